import type { ServiceBlueprintDefinition } from '../../domain/ontology/service-blueprint.events.js';
import type { CandidateWorkflow } from '../../domain/planner/offline-planner.js';
import type { ContextFact } from '../../ports/planning-context.port.js';

export interface PlanPromptInput {
  readonly intent: string;
  readonly title?: string;
  readonly deadline?: string;
  readonly constraints?: readonly string[];
  readonly engagementId?: string;
  readonly projectId?: string;
  readonly facts: readonly ContextFact[];
  readonly workflows: readonly CandidateWorkflow[];
  readonly blueprint?: ServiceBlueprintDefinition;
}

/**
 * The user message of a planning request: the intent and everything known around it. Raw
 * estimates are asked for; calibration against the user's history happens afterwards, so the
 * model must not try to correct for it.
 */
export function planUserMessage(input: PlanPromptInput): string {
  const lines: string[] = [`Intent: ${input.intent}`];
  if (input.title) lines.push(`Title: ${input.title}`);
  if (input.deadline) lines.push(`Deadline: ${input.deadline}`);
  if (input.engagementId) lines.push(`Engagement: ${input.engagementId}`);
  if (input.projectId) lines.push(`Project: ${input.projectId}`);
  if (input.constraints?.length) lines.push('', 'Constraints:', ...input.constraints.map((c) => `- ${c}`));
  if (input.facts.length > 0) {
    lines.push('', 'What we know about the user (preferences, constraints, facts):');
    for (const f of input.facts) lines.push(`- [${f.factType}${f.category ? `/${f.category}` : ''}] ${f.key}: ${f.content}`);
  }
  if (input.blueprint) {
    lines.push('', `Service blueprint "${input.blueprint.name}": ${input.blueprint.description}`.trimEnd());
    if (input.blueprint.estimatedDurationHours) lines.push(`Blueprint estimate: ${input.blueprint.estimatedDurationHours} hours in total.`);
  }
  if (input.workflows.length > 0) {
    lines.push('', 'Known workflows (follow and adapt the relevant ones):');
    for (const w of input.workflows) {
      lines.push(`- ${w.definition.name} (v${w.version}${w.definition.capability ? `, ${w.definition.capability}` : ''})`);
      for (const s of w.definition.steps) {
        const deps = s.dependsOn.length ? ` after ${s.dependsOn.join(', ')}` : '';
        lines.push(`  - ${s.id}: ${s.title} — ${s.estimatedHours} h${deps}`);
      }
    }
  }
  lines.push('', 'Give honest raw estimates; Almanac calibrates them against past actuals itself.');
  return lines.join('\n');
}

export const repairMessage = (issues: readonly string[]): string =>
  [
    'Your answer could not be used:',
    ...issues.map((i) => `- ${i}`),
    'Answer again with the complete, corrected JSON object only (no prose, no markdown).',
  ].join('\n');
