/** A SOP problem, phrased so it can be sent back to the model in a repair request. */
export interface SopIssue {
  readonly path: string;
  readonly message: string;
}

interface TaskLike {
  readonly id: string;
  readonly dependsOn: readonly string[];
  readonly estimatedHours: number;
  readonly estimatedHoursRaw?: number;
}

interface SopLike {
  readonly steps: ReadonlyArray<{ readonly id: string; readonly tasks: readonly TaskLike[] }>;
}

/**
 * What zod cannot say: ids unique, dependencies exist and form no cycle, hours positive.
 * Returns every issue (not just the first), since a repair request should fix them all at once.
 */
export function validateSop(sop: SopLike): SopIssue[] {
  const issues: SopIssue[] = [];
  const stepIds = new Set<string>();
  sop.steps.forEach((step, s) => {
    if (stepIds.has(step.id)) issues.push({ path: `steps.${s}.id`, message: `step id "${step.id}" is used twice` });
    stepIds.add(step.id);
  });

  const tasks = new Map<string, TaskLike>();
  sop.steps.forEach((step, s) =>
    step.tasks.forEach((task, t) => {
      const path = `steps.${s}.tasks.${t}`;
      if (tasks.has(task.id)) issues.push({ path: `${path}.id`, message: `task id "${task.id}" is used twice` });
      tasks.set(task.id, task);
      if (!(task.estimatedHours > 0) || !Number.isFinite(task.estimatedHours)) {
        issues.push({ path: `${path}.estimatedHours`, message: `task "${task.id}" must have estimatedHours > 0 (got ${task.estimatedHours})` });
      }
      if (task.estimatedHoursRaw !== undefined && (!(task.estimatedHoursRaw > 0) || !Number.isFinite(task.estimatedHoursRaw))) {
        issues.push({ path: `${path}.estimatedHoursRaw`, message: `task "${task.id}" must have estimatedHoursRaw > 0` });
      }
    }),
  );

  sop.steps.forEach((step, s) =>
    step.tasks.forEach((task, t) =>
      task.dependsOn.forEach((dep, d) => {
        const path = `steps.${s}.tasks.${t}.dependsOn.${d}`;
        if (dep === task.id) issues.push({ path, message: `task "${task.id}" depends on itself` });
        else if (!tasks.has(dep)) issues.push({ path, message: `task "${task.id}" depends on unknown task "${dep}"` });
      }),
    ),
  );

  const cycle = findCycle(tasks);
  if (cycle) issues.push({ path: 'steps', message: `dependencies form a cycle: ${cycle.join(' → ')}` });
  return issues;
}

/** One dependency cycle (first id repeated at the end), or undefined. Self-loops are reported separately. */
export function findCycle(tasks: ReadonlyMap<string, TaskLike>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of tasks.get(id)?.dependsOn ?? []) {
      if (dep === id || !tasks.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of tasks.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

export const formatIssues = (issues: readonly SopIssue[]): string[] => issues.map((i) => `${i.path}: ${i.message}`);
