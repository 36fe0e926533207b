import type { ApiKeyStore } from '../ports/api-keys.port.js';

interface FirstStart {
  readonly apiKeys: ApiKeyStore;
  readonly embedded: boolean;
  readonly bootstrapKey: boolean;
  readonly tenant: string;
  readonly address: string;
  readonly terminal: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * On a fresh embedded database nobody can call the API yet, and `keys create` cannot open the
 * database while the server holds it: the first start makes an admin key and shows it once,
 * on the terminal only (never in a log file). Returns what it did, for the caller's log.
 */
export async function offerFirstStartKey(s: FirstStart): Promise<'created' | 'hint' | 'none'> {
  if (!s.embedded || s.bootstrapKey) return 'none';
  if ((await s.apiKeys.list({ includeRevoked: true })).length > 0) return 'none';
  if (s.terminal.isTTY !== true) return 'hint';
  const { key } = await s.apiKeys.create({ tenant: s.tenant, scope: 'admin', name: 'first start' });
  s.terminal.write(
    [
      '',
      `Almanac is running at ${s.address} (API docs: ${s.address}/docs).`,
      `This first start made an admin API key for tenant "${s.tenant}". It is shown only now; store it:`,
      '',
      `    ${key}`,
      '',
      'Try it:',
      `    curl -H "Authorization: Bearer ${key}" ${s.address}/api/v1/events`,
      '',
      '',
    ].join('\n'),
  );
  return 'created';
}
