import { memoryForgottenDataSchema, memoryRecordedDataSchema, isErasedData } from '../../domain/memory/memory.events.js';
import type { Embeddings } from '../../ports/embeddings.port.js';
import type { RecordedEvent } from '../../ports/event-store.port.js';
import type { Reactor, ReactorContext } from '../projection.js';

/**
 * Computes a vector per memory through the embeddings port and keeps it in
 * memory_embeddings (upsert: a replayed event rewrites the same row).
 */
export function embeddingsReactor(embeddings: Embeddings): Reactor {
  return {
    name: 'memory.embeddings',
    eventTypes: ['MemoryRecorded', 'MemoryForgotten'],
    async handle(event: RecordedEvent, ctx: ReactorContext): Promise<void> {
      if (isErasedData(event.data)) return;
      if (event.type === 'MemoryForgotten') {
        const { memoryId } = memoryForgottenDataSchema.parse(event.data);
        await ctx.db.deleteFrom('memory_embeddings').where('tenant', '=', event.tenant).where('memory_id', '=', memoryId).execute();
        return;
      }
      const m = memoryRecordedDataSchema.parse(event.data);
      const [vector] = await embeddings.embed([m.content], { signal: ctx.signal });
      if (!vector) return;
      const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
      await ctx.db
        .insertInto('memory_embeddings')
        .values({ tenant: event.tenant, memory_id: m.memoryId, model: embeddings.model, vector, norm })
        .onConflict((oc) => oc.columns(['tenant', 'memory_id']).doUpdateSet({ model: embeddings.model, vector, norm }))
        .execute();
    },
  };
}
