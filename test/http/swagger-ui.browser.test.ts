import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './support/test-app.js';

// Swagger UI as a person sees it: served over plain HTTP on a name that is not localhost (the
// docker compose setup), where browsers would obey upgrade-insecure-requests and go blank.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const host = 'almanac.test';
// CI installs Chromium (.ci/run); on a machine without it the test says so instead of failing.
const haveBrowser = existsSync(executablePath) || process.env.CI === 'true';

describe.skipIf(!haveBrowser)('Swagger UI in headless Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    t = await testApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--host-resolver-rules=MAP ${host} 127.0.0.1`,
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders the operation list over HTTP on a non-localhost host', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      // Chromium's notice that COOP only applies to trustworthy origins is not a failure.
      if (m.type() === 'error' && !m.text().includes('Cross-Origin-Opener-Policy header has been ignored')) refused.push(m.text());
    });
    page.on('requestfailed', (r) => refused.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    const response = await page.goto(`http://${host}:${port}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy'] ?? '').not.toContain('upgrade-insecure-requests');
    expect(response?.headers()['strict-transport-security']).toBeUndefined();
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.locator('.opblock').count();
    expect(operations).toBeGreaterThan(40);
    expect(await page.locator('.opblock-summary-description').first().textContent()).not.toBe('');
    expect(refused).toEqual([]);
  });
});
