import { execSync } from 'node:child_process';

// Tests use the servers named by TEST_DATABASE_URL / TEST_VALKEY_URL. When those are not set
// and a Docker engine answers, Testcontainers starts them; otherwise the local defaults.
const stops: Array<() => Promise<unknown>> = [];

/**
 * The Postgres image to start: the local pg_dump's major version, since the dump/restore test
 * dumps with the local pg_dump (which refuses newer servers) and restores into a local cluster.
 */
function postgresImage(): string {
  try {
    const version = execSync('pg_dump --version', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 });
    const major = /\(PostgreSQL\) (\d+)/.exec(version)?.[1];
    if (major) return `postgres:${major}-alpine`;
  } catch {
    // no local client tools
  }
  return 'postgres:15-alpine';
}

export async function setup(): Promise<void> {
  const dockerUp = () => {
    try {
      execSync('docker info', { stdio: 'ignore', timeout: 5_000 });
      return true;
    } catch {
      return false;
    }
  };
  if (!process.env.TEST_DATABASE_URL || !process.env.TEST_VALKEY_URL) {
    if (process.env.TESTCONTAINERS === '1' && dockerUp()) {
      const { GenericContainer } = await import('testcontainers');
      if (!process.env.TEST_DATABASE_URL) {
        const c = await new GenericContainer(postgresImage())
          .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
          .withExposedPorts(5432)
          .start();
        stops.push(() => c.stop());
        process.env.TEST_DATABASE_URL = `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/test`;
      }
      if (!process.env.TEST_VALKEY_URL) {
        const c = await new GenericContainer('valkey/valkey:8.1').withExposedPorts(6379).start();
        stops.push(() => c.stop());
        process.env.TEST_VALKEY_URL = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
      }
    }
    process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
    process.env.TEST_VALKEY_URL ??= 'redis://127.0.0.1:6379';
  }
}

export async function teardown(): Promise<void> {
  for (const stop of stops) await stop();
}
