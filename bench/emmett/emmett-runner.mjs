// Emmett (@event-driven-io/emmett-postgresql) behind the small interface bench/event-log.bench.ts
// drives, so both systems run exactly the same cases. Plain JS: this folder has its own
// node_modules (Emmett's peers conflict with the root's) and is not type-checked.
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';

export async function openEmmett(url, poolSize) {
  const store = getPostgreSQLEventStore(url, { connectionOptions: { max: poolSize } });
  await store.schema.migrate();
  const reader = dumbo({ connectionString: url, max: 2 });
  const raw = new pg.Pool({ connectionString: url, max: 4 });
  return {
    /** expected: undefined (any) or a number (exact). Returns { nextVersion, positions } or throws { conflict: true }. */
    async append(streamId, events, expected) {
      try {
        const r = await store.appendToStream(
          streamId,
          events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })),
          expected === undefined ? undefined : { expectedStreamVersion: BigInt(expected) },
        );
        return { nextVersion: Number(r.nextExpectedStreamVersion), lastPosition: Number(r.lastEventGlobalPosition) };
      } catch (err) {
        if (err && (err.name === 'ExpectedVersionConflictError' || /ConcurrencyError|version/i.test(String(err.message)))) {
          return { conflict: true };
        }
        throw err;
      }
    },
    async streamVersion(streamId) {
      const { rows } = await raw.query('SELECT stream_position FROM emt_streams WHERE stream_id = $1', [streamId]);
      return rows[0] ? Number(rows[0].stream_position) : 0;
    },
    async lastPosition() {
      const { rows } = await raw.query('SELECT coalesce(max(global_position), 0) AS p FROM emt_messages');
      return Number(rows[0].p);
    },
    /** One page of Emmett's own "read all" (what its consumers pull), resuming after `after`. */
    async readBatch(after, batchSize) {
      const r = await readMessagesBatch(reader.execute, { after: BigInt(after), batchSize });
      return {
        positions: r.messages.map((m) => Number(m.metadata.globalPosition)),
        next: Number(r.currentGlobalPosition),
        more: r.areMessagesLeft,
      };
    },
    async close() {
      await store.close();
      await reader.close();
      await raw.end();
    },
  };
}
