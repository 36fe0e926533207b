import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../http/support/test-app.js';

// The .ics subscription path is a credential: only the exact text issued opens the feed, and
// rotating revokes every path issued before.
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ env: { ALMANAC_SECRET_KEY: 'ab'.repeat(32) } });
});
afterAll(() => t?.close());

const feedPath = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar/feed-url', headers: t.auth(t.keys.read) })).json<{ path: string }>().path;
const fetchFeed = async (path: string) => (await t.app.inject({ method: 'GET', url: path })).statusCode;

describe('calendar feed tokens', () => {
  it('are strict: anything appended, cut or changed is 404', async () => {
    const path = await feedPath();
    expect(await fetchFeed(path)).toBe(200);
    const bare = path.slice(0, -'.ics'.length);
    expect(await fetchFeed(bare)).toBe(200);
    for (const variant of [`${bare}A.ics`, `${bare}AA.ics`, `${bare}!!.ics`, `${bare}%3D.ics`, `${bare}.icsx`, `${bare.slice(0, -1)}.ics`, `${bare}.ics.ics`]) {
      expect([variant, await fetchFeed(variant)]).toEqual([variant, 404]);
    }
  });

  it('are revocable: rotating (admin) revokes every path issued before', async () => {
    const before = await feedPath();
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/calendar/feed-url/rotate', headers: t.auth(t.keys.write) })).statusCode).toBe(403);
    const rotated = await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/calendar/feed-url/rotate', headers: t.auth(t.keys.admin) });
    expect(rotated.statusCode).toBe(200);
    const after = rotated.json<{ path: string }>().path;
    expect(after).not.toBe(before);
    expect(await fetchFeed(before)).toBe(404);
    expect(await fetchFeed(after)).toBe(200);
    expect(await feedPath()).not.toBe(before);
    expect(await fetchFeed(await feedPath())).toBe(200);
    // another tenant's paths are untouched by this tenant's rotation
    const other = (await t.app.inject({ method: 'GET', url: '/api/v1/scheduler/calendar/feed-url', headers: t.auth(t.keys.otherAdmin) })).json<{ path: string }>().path;
    await t.app.inject({ method: 'POST', url: '/api/v1/scheduler/calendar/feed-url/rotate', headers: t.auth(t.keys.admin) });
    expect(await fetchFeed(other)).toBe(200);
    expect(await fetchFeed(after)).toBe(404);
  });
});
