import type { SqlExecutor } from './sql-executor.js';

interface Candidate {
  readonly last: number;
  readonly writers: readonly string[];
}

const MAX_CANDIDATES = 64;

/**
 * Tracks the safe position of the log: the highest position at or below which no in-flight
 * transaction can still commit an event. See almanac_log_horizon() in the first migration.
 *
 * A candidate (sequence value L, writers W) becomes safe once every transaction in W ended.
 * Candidates are kept across calls, so under sustained load the horizon trails the head by
 * about one read rather than waiting for a moment with no writer at all.
 */
export class LogHorizon {
  private safe = 0;
  private candidates: Candidate[] = [];

  constructor(private readonly exec: SqlExecutor) {}

  async safePosition(): Promise<number> {
    // Only the candidates whose writers are asked about may be judged by the answer: a
    // concurrent call can add candidates meanwhile, and their writers are not in `pending`.
    const judged = this.candidates.slice();
    const pending = [...new Set(judged.flatMap((c) => c.writers))];
    const { rows } = await this.exec.query<{ last_position: string | number; writers: string[]; still_active: string[] }>(
      'SELECT last_position, writers, still_active FROM almanac_log_horizon($1::text[])',
      [pending],
    );
    const row = rows[0];
    if (!row) return this.safe;
    const active = new Set(row.still_active);
    for (const c of judged) {
      if (c.writers.every((w) => !active.has(w))) this.safe = Math.max(this.safe, c.last);
    }
    const last = Number(row.last_position);
    if (row.writers.length === 0) this.safe = Math.max(this.safe, last);
    else this.candidates.push({ last, writers: row.writers });
    this.candidates = this.candidates
      .filter((c) => c.last > this.safe)
      .sort((a, b) => a.last - b.last)
      .slice(-MAX_CANDIDATES);
    return this.safe;
  }

  /** True while some candidate is waiting for writers to finish. */
  get waiting(): boolean {
    return this.candidates.length > 0;
  }
}
