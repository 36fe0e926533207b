import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { meteredLlm } from '../../adapters/metrics/metered-llm.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.adapter.js';
import { AppError } from '../../domain/shared/app-error.js';
import type { LlmPort, StructuredCompletion } from '../../ports/llm.port.js';

// A scripted model: the decorator is what is under test, not a network client.
const scripted = (answers: Array<StructuredCompletion<unknown> | AppError>): LlmPort => ({
  modelFor: () => 'm',
  complete: async <T>() => {
    const next = answers.shift()!;
    if (next instanceof AppError) throw next;
    return next as StructuredCompletion<T>;
  },
});

describe('meteredLlm', () => {
  it('counts tokens and cost of good and invalid answers', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    const llm = meteredLlm(
      scripted([
        { parsed: {}, raw: '{}', usage: { promptTokens: 100, completionTokens: 20 }, model: 'm1', costUsd: 0.5 },
        new AppError('LLM.INVALID_OUTPUT', 'bad', { reason: 'json', raw: 'x', issues: [], usage: { promptTokens: 10, completionTokens: 5 }, model: 'm1', costUsd: 0.25 }),
      ]),
      metrics,
    );
    const request = { operation: 'planning' as const, schema: z.object({}), schemaName: 's', messages: [] };
    await llm.complete(request);
    await expect(llm.complete(request)).rejects.toMatchObject({ code: 'LLM.INVALID_OUTPUT' });
    const text = (await metrics.render()).body;
    expect(text).toContain('almanac_llm_tokens_total{model="m1",purpose="planning",kind="prompt"} 110');
    expect(text).toContain('almanac_llm_tokens_total{model="m1",purpose="planning",kind="completion"} 25');
    expect(text).toContain('almanac_llm_cost_usd_total{model="m1",purpose="planning"} 0.75');
  });
});
