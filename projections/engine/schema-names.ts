import { AppError } from '../../domain/shared/app-error.js';

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED = new Set(['public', 'read', 'information_schema']);

/** Schema names end up quoted inside DDL, so only plain lower-case identifiers are accepted. */
export function assertScratchSchemaName(schema: string): void {
  if (!SCHEMA_RE.test(schema) || RESERVED.has(schema) || schema.startsWith('pg_')) {
    throw new AppError('PROJECTION.INVALID_SCHEMA', `not a usable scratch schema name: ${schema}`, { schema });
  }
}

/** The scratch schema a rebuild builds in, beside the live tables. */
export const rebuildSchemaFor = (projectionName: string): string =>
  `almanac_rebuild_${projectionName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
