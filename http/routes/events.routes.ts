import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/shared/app-error.js';
import { instantSchema } from '../../domain/shared/storable-values.js';
import { requireAuth } from '../plugins/authentication.plugin.js';
import { queryList } from '../wire/query-params.schema.js';

const eventSchema = z
  .object({
    position: z.number().int(),
    streamId: z.string(),
    streamVersion: z.number().int(),
    id: z.string(),
    type: z.string(),
    data: z.unknown(),
    metadata: z.record(z.string(), z.unknown()),
    tenant: z.string(),
    recordedAt: z.string().describe('ISO-8601 time the event was recorded'),
  })
  .meta({ id: 'RecordedEvent' });

const querySchema = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Exclusive position to page after (use nextAfter of the previous page).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  stream: z.string().min(1).max(200).optional().describe('Only this stream id, e.g. plan-<uuid>.'),
  type: queryList(z.string().min(1).max(200))
    .optional()
    .describe('Only these event types, e.g. PlanDrafted,PlanApproved (repeat the parameter, or a comma list).'),
  tenant: z.string().min(1).max(200).optional().describe("Must be the key's own tenant (keys never see other tenants)."),
  from: instantSchema.optional().describe('Recorded at or after this time.'),
  to: instantSchema.optional().describe('Recorded before this time.'),
});

/** GET /api/v1/events: the audit log, admin scope, own tenant only. */
export const eventsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/events',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'listEvents',
        description: "Pages through the tenant's event log (audit trail) with stream, type and time filters.",
        tags: ['audit'],
        querystring: querySchema,
        response: {
          200: z.object({
            events: z.array(eventSchema),
            nextAfter: z.number().int().describe('Pass as `after` to get the next page.'),
            hasMore: z.boolean(),
          }),
        },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const q = request.query;
      if (q.tenant !== undefined && q.tenant !== auth.tenant) {
        throw new AppError('AUTH.FORBIDDEN', "A key only reads its own tenant's events.", { requiredScope: 'admin' });
      }
      const types = q.type;
      const page = await app.core.eventStore.readAll({
        after: q.after,
        limit: q.limit,
        tenant: auth.tenant,
        ...(types && types.length > 0 ? { types } : {}),
        ...(q.stream ? { streamId: q.stream } : {}),
        ...(q.from ? { recordedFrom: new Date(q.from) } : {}),
        ...(q.to ? { recordedTo: new Date(q.to) } : {}),
      });
      return {
        events: page.events.map((e) => ({
          position: e.position,
          streamId: e.streamId,
          streamVersion: e.streamVersion,
          id: e.id,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          tenant: e.tenant,
          recordedAt: e.recordedAt.toISOString(),
        })),
        nextAfter: page.nextAfter,
        hasMore: page.hasMore,
      };
    },
  );
};
