import { isAppError } from '../../domain/shared/app-error.js';
import type { InvalidOutputDetails, LlmPort, StructuredCompletion, StructuredCompletionRequest } from '../../ports/llm.port.js';
import type { Metrics } from '../../ports/metrics.port.js';

/**
 * Counts tokens and cost of every LLM call, including answers that failed validation (they
 * were paid for). Wrap the adapter once in the composition root: `meteredLlm(llm, metrics)`.
 */
export function meteredLlm(llm: LlmPort, metrics: Metrics): LlmPort {
  return {
    modelFor: (operation) => llm.modelFor(operation),
    async complete<T>(request: StructuredCompletionRequest<T>): Promise<StructuredCompletion<T>> {
      try {
        const answer = await llm.complete(request);
        metrics.llmUsage({
          model: answer.model,
          purpose: request.operation,
          ...answer.usage,
          ...(answer.costUsd !== undefined ? { costUsd: answer.costUsd } : {}),
        });
        return answer;
      } catch (err) {
        if (isAppError(err) && err.code === 'LLM.INVALID_OUTPUT') {
          const d = err.details as Partial<InvalidOutputDetails>;
          if (d.usage && d.model) {
            metrics.llmUsage({ model: d.model, purpose: request.operation, ...d.usage, ...(d.costUsd !== undefined ? { costUsd: d.costUsd } : {}) });
          }
        }
        throw err;
      }
    },
  };
}
