import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../cli/cli-context.js';
import { registerProjections } from '../../cli/commands/projections.command.js';
import { parseUntil, registerReplay } from '../../cli/commands/replay.command.js';
import { catchUp } from '../../projections/engine/catch-up.js';
import { loadConfig } from '../../runtime/env.config.js';
import { readRows } from '../support/projection-spec.js';
import { serverTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createLedgerTables, credit, ledgerProjection } from './fixtures/ledger.projection.js';

describe('almanac projections / replay (CLI) on postgres', () => {
  let t: TestDatabase;
  const projection = ledgerProjection({ prefix: 'cli_ledger' });

  beforeAll(async () => {
    t = await serverTestDatabase();
    await createLedgerTables(t.handle.db, 'cli_ledger');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const run = async (...args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (d: Buffer) => chunks.push(d.toString()));
    const ctx: CliContext = { config: () => loadConfig({ DATABASE_URL: t.url! }), out, err };
    const program = new Command('almanac').exitOverride();
    registerProjections(program, ctx, [projection]);
    registerReplay(program, ctx, [projection]);
    await program.parseAsync(['node', 'almanac', ...args]);
    return chunks.join('');
  };

  it('status, rebuild, skip and replay', async () => {
    const store = t.handle.eventStore;
    const append = async (amount: number) =>
      (await store.append('acct-cli-a', [{ id: randomUUID(), ...credit('a', amount, {}, 'cli_ledger') }], { expectedVersion: 'any', tenant: 't1' })).positions[0]!;
    const p1 = await append(1);
    const p2 = await append(2);
    await catchUp(t.handle.db, store, projection);
    const p3 = await append(4);

    const status = JSON.parse(await run('projections', 'status', '--json')) as Array<Record<string, unknown>>;
    expect(status).toMatchObject([{ name: 'cli_ledger', state: 'live', position: p2, lag: 1 }]);
    expect(await run('projections', 'status')).toMatch(/^NAME\s+KIND\s+STATE/);

    expect(await run('projections', 'rebuild', 'cli_ledger')).toContain('swapped in');
    expect(await readRows(t.handle.db, 'cli_ledger_accounts', { columns: ['balance'], numeric: ['balance'] })).toEqual([{ balance: 7 }]);
    await expect(run('projections', 'rebuild')).rejects.toThrow(/name a projection/);
    expect(await run('projections', 'rebuild', '--all')).toMatch(/^cli_ledger: rebuilt 3 events [^\n]*\nrebuilt 1 projection: 3 events in [\d.]+ s \(\d+ events\/s\)\n$/);

    const p4 = await append(8);
    expect(await run('projections', 'skip', 'cli_ledger', '--position', String(p4), '--reason', 'test')).toContain(`position ${p4}`);
    expect((await store.readStream('system-projections')).map((e) => e.type)).toEqual(['ProjectionSkipped']);

    const logUpToP1 = (await store.readAll({ after: 0, until: p1, limit: 1000 })).events.length;
    expect(await run('replay', '--until', String(p1), '--into', 'cli_exp')).toBe(
      `cli_ledger: 1 events\nbuilt 1 projections as of position ${p1} (${logUpToP1} events in the log up to it) into schema cli_exp\n`,
    );
    await expect(run('replay', '--until', String(p1), '--into', 'cli_exp')).rejects.toThrow(/already exists: .*almanac replay --drop cli_exp/);
    expect(await readRows(t.handle.db, 'cli_ledger_accounts', { columns: ['balance'], numeric: ['balance'], schema: 'cli_exp' })).toEqual([{ balance: 1 }]);
    expect(await run('replay', '--list')).toMatch(new RegExp(`^SCHEMA\tUNTIL\tCREATED\tPROJECTIONS\ncli_exp\t${p1}\t`));
    expect(await run('replay', '--drop', 'cli_exp')).toContain('dropped');
    expect(await run('replay', '--list')).toContain('no replay schemas');
    expect(p3).toBeGreaterThan(p2);
  });

  it('status lists quarantined streams; retry asks for them again', async () => {
    const event = (await t.handle.eventStore.append('acct-cli-q', [{ id: randomUUID(), ...credit('q', 1, {}, 'cli_ledger') }], { expectedVersion: 'any', tenant: 't9' }))
      .positions[0]!;
    await catchUp(t.handle.db, t.handle.eventStore, projection);
    await t.handle.db
      .insertInto('projection_quarantines')
      .values({ projection: 'cli_ledger', stream_id: 'acct-cli-q', tenant: 't9', position: event, event_type: 'cli_ledger.Credited', error: 'boom', retry_requested_at: null })
      .execute();
    expect(await run('projections', 'status')).toMatch(new RegExp(`cli_ledger  acct-cli-q \\(tenant t9\\)  held from ${event} .*: boom`));
    const json = JSON.parse(await run('projections', 'status', '--json')) as Array<{ quarantined: unknown[] }>;
    expect(json[0]!.quarantined).toMatchObject([{ stream: 'acct-cli-q', position: event, error: 'boom' }]);
    expect(await run('projections', 'retry', 'cli_ledger')).toContain('retry requested for 1 quarantined stream');
    await expect(run('projections', 'retry', 'cli_ledger', '--stream', 'nope')).rejects.toThrow(/no quarantined stream nope/);
    await expect(run('projections', 'retry', 'nope')).rejects.toThrow(/no projection named nope/);
  });

  it('parses --until as a position or an ISO time', () => {
    expect(parseUntil('42')).toBe(42);
    expect(parseUntil('2026-11-25T10:00:00Z')).toEqual(new Date('2026-11-25T10:00:00Z'));
    expect(() => parseUntil('yesterday')).toThrow(/not a position/);
  });
});
