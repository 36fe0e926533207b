import type { Command } from 'commander';
import { SqlApiKeyStore } from '../../adapters/security/api-keys.repository.js';
import { apiKeyScopes, type ApiKeyRecord, type ApiKeyScope } from '../../ports/api-keys.port.js';
import { openDatabase } from '../../runtime/open-database.js';
import { UsageError, type CliContext } from '../cli-context.js';

const describe = (r: ApiKeyRecord) => ({
  id: r.keyId,
  tenant: r.tenant,
  scope: r.scope,
  name: r.name,
  createdAt: r.createdAt.toISOString(),
  revokedAt: r.revokedAt?.toISOString() ?? null,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
});

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('manage API keys (stored hashed; a key is shown once)');
  const withStore = async <T>(fn: (store: SqlApiKeyStore) => Promise<T>): Promise<T> => {
    const handle = await openDatabase(ctx.config(), { migrate: true });
    try {
      return await fn(new SqlApiKeyStore(handle.db));
    } finally {
      await handle.close();
    }
  };

  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--tenant <tenant>', 'tenant the key belongs to')
    .requiredOption('--scope <scope>', 'read | write | admin')
    .option('--name <name>', 'a label to recognise the key by')
    .option('--json', 'print one JSON object with the key in field "key"')
    .action(async (o: { tenant: string; scope: string; name?: string; json?: boolean }) => {
      if (!(apiKeyScopes as readonly string[]).includes(o.scope)) throw new UsageError(`--scope must be one of ${apiKeyScopes.join(', ')}`);
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(o.tenant)) throw new UsageError('--tenant must be 1–100 letters, digits, dots, dashes or underscores');
      const { key, record } = await withStore((s) => s.create({ tenant: o.tenant, scope: o.scope as ApiKeyScope, ...(o.name ? { name: o.name } : {}) }));
      if (o.json) ctx.out.write(`${JSON.stringify({ key, ...describe(record) })}\n`);
      else ctx.out.write(`${key}\n(id ${record.keyId}, tenant ${record.tenant}, scope ${record.scope}; store it now: it is not shown again)\n`);
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(async (o: { tenant?: string; all?: boolean; json?: boolean }) => {
      const records = await withStore((s) => s.list({ ...(o.tenant ? { tenant: o.tenant } : {}), includeRevoked: Boolean(o.all) }));
      if (o.json) {
        ctx.out.write(`${JSON.stringify(records.map(describe))}\n`);
        return;
      }
      for (const r of records.map(describe)) {
        ctx.out.write(`${r.id}\t${r.tenant}\t${r.scope}\t${r.name ?? ''}\tcreated ${r.createdAt}${r.revokedAt ? `\trevoked ${r.revokedAt}` : ''}\n`);
      }
      if (records.length === 0) ctx.out.write('no keys\n');
    });

  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>', 'key id (from keys list)')
    .action(async (id: string) => {
      const revoked = await withStore((s) => s.revoke(id));
      if (!revoked) throw new UsageError(`no active key with id ${id}`);
      ctx.out.write(`revoked ${id}\n`);
    });
}
