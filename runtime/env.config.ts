import { IANAZone } from 'luxon';
import { z } from 'zod';

const optionalUrl = z.url().optional();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/**
 * Every environment variable Almanac reads. The README's configuration table mirrors this
 * schema; `test/config/env-config.test.ts` keeps the two in step.
 */
export const envSchema = z.object({
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  ALMANAC_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  VALKEY_URL: z.preprocess(emptyToUndefined, z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALMANAC_BOOTSTRAP_KEY: z.preprocess(emptyToUndefined, z.string().min(24, 'must be at least 24 characters').optional()),
  ALMANAC_SECRET_KEY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes as 64 hex characters or base64').optional(),
  ),
  // as `keys create --tenant` accepts: tenants travel in NOTIFY payloads and cache keys
  ALMANAC_DEFAULT_TENANT: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1–100 letters, digits, dots, dashes or underscores')
    .default('default'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  READ_WAIT_TIMEOUT_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  CORS_ORIGINS: z.preprocess(emptyToUndefined, z.string().optional()),
  PROJECTIONS: bool.default(true),
  LLM_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
  LLM_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  LLM_MODEL_PLANNING: z.string().default('anthropic/claude-3.5-sonnet'),
  LLM_MODEL_REFLECTION: z.string().default('anthropic/claude-3.5-sonnet'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  EMBEDDINGS_BASE_URL: z.preprocess(emptyToUndefined, optionalUrl),
  EMBEDDINGS_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  EMBEDDINGS_MODEL: z.string().default('openai/text-embedding-3-small'),
  PLANNING_DAILY_LIMIT: z.coerce.number().int().min(0).default(10),
  MEMORY_PROMOTION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
  RECALL_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(3600),
  RECALL_NEAR_CACHE_MB: z.coerce.number().min(0).default(32),
  ZEP_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  ZEP_BASE_URL: z.preprocess(emptyToUndefined, optionalUrl),
  GOOGLE_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  GOOGLE_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  GOOGLE_REDIRECT_URI: z.preprocess(emptyToUndefined, optionalUrl),
  GOOGLE_API_ROOT_URL: z.preprocess(emptyToUndefined, optionalUrl),
  ALMANAC_TIMEZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA timezone name like Europe/Berlin or UTC')
    .default('UTC'),
  REFLECTION_SCHEDULE: bool.default(true),
  REFLECTION_DAILY_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM').default('18:00'),
  REFLECTION_WEEKLY_AT: z
    .string()
    .regex(/^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):[0-5]\d$/, 'must be like "sun 19:00"')
    .default('sun 19:00'),
});

export type EnvConfig = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG.INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** Reads the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const source: Record<string, string | undefined> = { ...env };
  // Accepted aliases, so existing deployments keep working.
  source.VALKEY_URL ??= env.REDIS_URL;
  source.LLM_API_KEY ??= env.OPENROUTER_API_KEY;
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data;
}
