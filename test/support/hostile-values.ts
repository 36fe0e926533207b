import fc from 'fast-check';

/** Nested objects `depth` levels deep, as a JSON text (so no stringify has to recurse). */
export const deepJson = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Dates and instants at and just past the accepted range (1900-01-01 … 9998-12-31), and beyond. */
export const boundaryInstants = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '1900-01-01T00:00:00+01:00',
  '1900-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '9998-12-31T23:59:59Z',
  '9998-12-31T23:59:59-05:00',
  '9999-12-31T23:59:59Z',
  '2026-02-29T00:00:00Z',
];
export const boundaryDates = ['0000-01-01', '0001-01-01', '1899-12-31', '1900-01-01', '1970-01-01', '9998-12-31', '9999-12-31', '2026-02-29'];

/** Strings Postgres cannot store, or that test length bounds and odd Unicode. */
export const hostileString = fc.oneof(
  fc.constantFrom('a\u0000b', '\u0000', '\ud800', 'x\udfff', '\ud83d\ude00', '\u202e', '\ufeff', '', ' ', 'x'.repeat(201), 'x'.repeat(900_000)),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u00e9'), maxLength: 8 }),
);

export const hostileNumber = fc.constantFrom(0, -1, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, Number.MIN_VALUE, 10_001);

/** A JSON value that is hostile in one of the ways above, nested a little. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(...boundaryInstants, ...boundaryDates),
  fc.dictionary(hostileString.filter((s) => s.length < 300), fc.oneof(hostileString, hostileNumber), { maxKeys: 3 }),
);
