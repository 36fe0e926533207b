import type { AssertFact } from './fact.commands.js';
import type { FactAssertion } from './memory.commands.js';
import type { MemoryRecordedData } from './memory.events.js';
import type { FactType } from './memory.values.js';

const factTypeByMemoryType: Record<string, FactType> = {
  preference: 'preference',
  constraint: 'constraint',
  identity: 'identity',
  pattern: 'pattern',
  result: 'result',
  decision: 'result',
  insight: 'pattern',
  reflection: 'pattern',
};

/**
 * The seed's "promotion to facts", as a pure decision: a salient memory, or one the caller
 * asked to assert, becomes an AssertFact. Without a key, each memory is its own fact (no
 * accidental supersession); without a subject, the fact is about the tenant itself.
 */
export function promotionFor(
  memory: MemoryRecordedData,
  options: { tenant: string; threshold: number; assertion?: FactAssertion | undefined; now: string },
): AssertFact | undefined {
  const { assertion } = options;
  if (!assertion && memory.salience < options.threshold) return undefined;
  return {
    type: 'AssertFact',
    subjectType: memory.subjectType ?? 'tenant',
    subjectId: memory.subjectId ?? options.tenant,
    factType: assertion?.factType ?? factTypeByMemoryType[memory.type] ?? 'result',
    key: assertion?.key ?? `memory:${memory.memoryId}`,
    content: memory.content,
    salience: memory.salience,
    ...(assertion?.category !== undefined ? { category: assertion.category } : {}),
    validFrom: assertion?.validFrom ?? memory.occurredAt,
    ...(assertion?.validTo !== undefined ? { validTo: assertion.validTo } : {}),
    evidence: `memory ${memory.memoryId}`,
    sourceMemoryId: memory.memoryId,
    now: options.now,
  };
}
