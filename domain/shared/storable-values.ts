import { z } from 'zod';
import { findUnstorable, isStorableText, unstorableTextMessage } from './storable-json.js';

/**
 * Building blocks for command schemas: whatever they accept, every projection can store
 * (docs/contracts.md, "Input bounds"). A command that passes them never stalls a read model.
 */

/** Earliest and latest accepted instant and date (UTC). The year of headroom below 9999 keeps
 * derived times (expiries, sprint weeks, schedule horizons) inside four-digit ISO years. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '9998-12-31';
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const LATEST_MS = Date.parse(`${LATEST_DATE}T23:59:59.999Z`);
const rangeMessage = `must lie between ${EARLIEST_DATE} and ${LATEST_DATE}`;

/** Ids stay far below Postgres' b-tree entry limit (~2700 bytes) even at 4 bytes a character. */
export const MAX_ID_LENGTH = 200;

/** A string with no NUL and no lone surrogate, at most `max` characters. */
export const textSchema = (max: number) => z.string().max(max).refine(isStorableText, unstorableTextMessage);

/** A non-empty identifier or reference chosen by the caller (workflow id, offer id …). */
export const idSchema = z.string().min(1).max(MAX_ID_LENGTH).refine(isStorableText, unstorableTextMessage);

/** An ISO-8601 date-time with offset, within the accepted range. */
// The range checks pass what the format check already refused, so a field gets one issue.
export const instantSchema = z.iso.datetime({ offset: true }).refine((s) => {
  const ms = Date.parse(s);
  return Number.isNaN(ms) || (ms >= EARLIEST_MS && ms <= LATEST_MS);
}, rangeMessage);

/** A calendar date (YYYY-MM-DD), within the accepted range. */
export const calendarDateSchema = z.iso.date().refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || (s >= EARLIEST_DATE && s <= LATEST_DATE), rangeMessage);

/** A date or a date-time with offset (deadlines). */
export const dateOrInstantSchema = z.union([calendarDateSchema, instantSchema]);

/** Hours of work: finite, non-negative and small enough that sums stay meaningful. */
export const hoursSchema = z.number().nonnegative().max(10_000);

/** A version number or counter that fits Postgres' integer. */
export const versionNumberSchema = z.number().int().min(0).max(2_147_483_647);

/** A free-form JSON object (metadata, telemetry): bounded depth and size, storable strings. */
export const jsonObjectSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = findUnstorable(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path === '' ? [] : problem.path.split('.') });
});
