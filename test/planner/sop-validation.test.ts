import { describe, expect, it } from 'vitest';
import { validateSop } from '../../domain/planner/sop-validation.js';
import { draftSop } from './planner-fixtures.js';

describe('SOP validation', () => {
  it('accepts a well-formed SOP', () => {
    expect(validateSop(draftSop())).toEqual([]);
  });

  it('reports duplicate ids, unknown and self dependencies, non-positive hours, and cycles — all at once', () => {
    const sop = draftSop();
    const [t1, t2] = sop.steps[0]!.tasks;
    t1!.dependsOn = ['t3'];
    t2!.estimatedHours = 0;
    sop.steps[1]!.tasks.push({ ...sop.steps[1]!.tasks[0]!, dependsOn: ['ghost', 't3'] });
    sop.steps[1]!.id = 's1';
    const messages = validateSop(sop).map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'step id "s1" is used twice',
        'task id "t3" is used twice',
        'task "t2" must have estimatedHours > 0 (got 0)',
        'task "t3" depends on unknown task "ghost"',
        'task "t3" depends on itself',
      ]),
    );
  });

  it('names a dependency cycle', () => {
    const sop = draftSop();
    sop.steps[0]!.tasks[0]!.dependsOn = ['t3'];
    expect(validateSop(sop).map((i) => i.message)).toEqual(['dependencies form a cycle: t1 → t3 → t2 → t1']);
  });
});
