/**
 * Opens the embedded default (PGlite) in the data dir given, migrated, and prints one JSON
 * line with its RSS: run once on an empty dir (first start, initdb) and again (reopen).
 */
import { readFileSync } from 'node:fs';
import { migrateToLatest } from '../../adapters/db/migrate.js';
import { openPGlite } from '../../adapters/pglite/pglite-database.js';

const kb = (field: string): number => Number(/(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0);

const started = performance.now();
const handle = await openPGlite({ dataDir: process.argv[2]! });
await migrateToLatest(handle.db);
await handle.eventStore.append('probe-1', [{ id: crypto.randomUUID(), type: 'Probed', data: {} }], { expectedVersion: 'any', tenant: 'probe' });
const openMs = Math.round(performance.now() - started);
globalThis.gc?.();
const result = { rss_mb: Math.round(kb('VmRSS:') / 1024), peak_rss_mb: Math.round(kb('VmHWM:') / 1024), open_ms: openMs };
await handle.close();
console.log(JSON.stringify(result));
