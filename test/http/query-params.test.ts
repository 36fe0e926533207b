import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { queryBoolean, queryList } from '../../http/wire/query-params.schema.js';
import { unknownFields } from '../../http/wire/unknown-fields.js';

describe('queryBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('reads %s as %s', (raw, expected) => {
    expect(queryBoolean().parse(raw)).toBe(expected);
  });

  it.each(['yes', 'on', '', '2', 'truthy'])('refuses %j', (raw) => {
    expect(queryBoolean().safeParse(raw).success).toBe(false);
  });
});

describe('queryList', () => {
  const types = queryList(z.enum(['preference', 'note']));

  it.each([
    ['a comma list', 'preference,note'],
    ['a comma list with spaces', ' preference , note '],
    ['repeated parameters', ['preference', 'note']],
    ['a JSON array', '["preference","note"]'],
    ['a Python list (Open WebUI)', "['preference', 'note']"],
    ['repeated JSON arrays', ['["preference"]', "['note']"]],
  ])('reads %s', (_label, raw) => {
    expect(types.parse(raw)).toEqual(['preference', 'note']);
  });

  it('reads one value and an empty JSON array', () => {
    expect(types.parse('note')).toEqual(['note']);
    expect(types.parse('[]')).toEqual([]);
  });

  it.each([["['preference'"], ['[preference]'], ["'preference'"], ['preference]'], ['bogus'], ['{"a":1}']])('refuses %j instead of answering an empty list', (raw) => {
    expect(types.safeParse(raw).success).toBe(false);
  });

  it('documents itself as an array of its items', () => {
    expect(z.toJSONSchema(z.object({ t: types }), { io: 'input' }).properties?.t).toMatchObject({ type: 'array', items: { enum: ['preference', 'note'] } });
  });
});

describe('unknownFields', () => {
  const schema = z.object({
    plan_id: z.string(),
    dry_run: z.boolean().optional(),
    window: z.object({ start: z.string() }).optional(),
    tasks: z.array(z.object({ id: z.string() })).optional(),
    assert: z.union([z.boolean(), z.object({ key: z.string() })]).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    loose: z.looseObject({ a: z.string() }).optional(),
    defaulted: z.object({ n: z.number() }).default({ n: 1 }),
  });

  it('finds a misspelt field at the top and deep inside', () => {
    expect(unknownFields(schema, { plan_id: 'p', dryRun: true })).toEqual([['dryRun']]);
    expect(unknownFields(schema, { plan_id: 'p', window: { start: 'x', stop: 'y' } })).toEqual([['window', 'stop']]);
    expect(unknownFields(schema, { plan_id: 'p', tasks: [{ id: 'a' }, { id: 'b', hours: 1 }] })).toEqual([['tasks', '1', 'hours']]);
    expect(unknownFields(schema, { plan_id: 'p', assert: { key: 'k', kee: 'k' } })).toEqual([['assert', 'kee']]);
    expect(unknownFields(schema, { plan_id: 'p', defaulted: { n: 2, m: 3 } })).toEqual([['defaulted', 'm']]);
  });

  it('leaves free-form and loose objects alone', () => {
    expect(unknownFields(schema, { plan_id: 'p', metadata: { anything: 1 }, loose: { a: 'x', b: 'y' }, assert: true })).toEqual([]);
  });
});
