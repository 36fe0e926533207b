import { circuitBreaker, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { Valkey } from 'iovalkey';

/**
 * One circuit per Valkey client, shared by the cache and the rate limiter: the first command
 * that fails (refused, or timed out after the client's command timeout when the server
 * stalls) opens it, and for `halfOpenAfterMs` every caller falls back at once instead of
 * waiting out its own timeout. Then a single command probes; the others keep falling back
 * until it answers.
 */
export function valkeyCircuit(options: { halfOpenAfterMs?: number } = {}): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, { halfOpenAfter: options.halfOpenAfterMs ?? 2_000, breaker: new ConsecutiveBreaker(1) });
}

const guardedCommands = new Set(['rateLimit', 'rateLimitRead']);

/**
 * The client as @fastify/rate-limit's store sees it (it defines two Lua commands and calls
 * them with a callback), with those calls behind the circuit. An open circuit fails them at
 * once, and `skipOnError` lets the request through, as for any other Valkey error.
 */
export function rateLimitClient(client: Valkey, circuit: CircuitBreakerPolicy): unknown {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !guardedCommands.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const callback = args.pop() as (err: Error | null, result?: unknown) => void;
        circuit
          .execute(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args))
          .then((result) => callback(null, result), (err: Error) => callback(err));
      };
    },
  });
}
