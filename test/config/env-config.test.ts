import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../../runtime/env.config.js';

describe('configuration', () => {
  it('defaults to the embedded database and local HTTP', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ALMANAC_DATA_DIR).toBe('./data');
    expect(config.PORT).toBe(8090);
    expect(config.HOST).toBe('127.0.0.1');
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ALMANAC_SECRET_KEY: 'short', ALMANAC_DEFAULT_TENANT: 'a tenant with spaces' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('ALMANAC_SECRET_KEY');
      expect(problems).toContain('ALMANAC_DEFAULT_TENANT');
    }
  });

  it('accepts the documented aliases', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', OPENROUTER_API_KEY: 'k' });
    expect(config.VALKEY_URL).toBe('redis://127.0.0.1:6379');
    expect(config.LLM_API_KEY).toBe('k');
  });

  it('documents every variable in the README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]));
    expect([...Object.keys(envSchema.shape)].filter((k) => !documented.has(k))).toEqual([]);
    expect([...documented].filter((k) => !(k! in envSchema.shape))).toEqual([]);
  });
});
