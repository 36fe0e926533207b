import type { Selectable } from 'kysely';
import type { FactsTable } from '../../ports/tables/memory.tables.js';

export interface FactView {
  readonly factId: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly factType: string;
  readonly key: string;
  readonly content: string;
  readonly salience: number;
  readonly category: string | null;
  readonly validFrom: Date;
  readonly validTo: Date | null;
  readonly recordedAt: Date;
  readonly supersededAt: Date | null;
  readonly retractedAt: Date | null;
  readonly evidence: string | null;
  readonly sourceMemoryId: string | null;
  readonly zepFactId: string | null;
  readonly version: number;
}

export const toFactView = (r: Selectable<FactsTable>): FactView => ({
  factId: r.id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  factType: r.fact_type,
  key: r.key,
  content: r.content,
  salience: r.salience,
  category: r.category,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  recordedAt: r.recorded_at,
  supersededAt: r.superseded_at,
  retractedAt: r.retracted_at,
  evidence: r.evidence,
  sourceMemoryId: r.source_memory_id,
  zepFactId: r.zep_fact_id,
  version: r.version,
});
