/**
 * The conformance suites in real headless Chromium, over the browser's own WebSocket: the browser entry
 * (`src/browser.ts`) bundled with every suite, both profiles, every matrix version, against test servers in this
 * process reached through the control channel. Each test is reported as a node:test subtest by its name.
 * Chromium is launched once and always closed; a missing Chromium fails the run with how to install it.
 */
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startControlServer } from './control-server.js';
import type { Outcome } from './page.js';

test('conformance suites in headless Chromium over the native WebSocket', { timeout: 20 * 60_000 }, async (t) => {
  const control = await startControlServer();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
    await page.goto(control.url);
    await page
      .waitForFunction(() => window.__conformance !== undefined, undefined, { timeout: 30_000 })
      .catch((error: unknown) => {
        throw new Error(`the page did not get ready: ${pageErrors.join('\n') || String(error)}`);
      });
    const plan = await page.evaluate(() => window.__conformance!.plan);
    for (const env of plan) {
      await t.test(env.label, async (t) => {
        for (const suite of env.suites) {
          await t.test(suite.name, async (t) => {
            for (const { id, title, skip } of suite.tests) {
              await t.test(title, { skip, timeout: 30_000 }, async () => {
                const outcome: Outcome = await page.evaluate((id) => window.__conformance!.run(id), id);
                if (outcome.ok) return;
                const error = new Error(outcome.error?.message ?? 'failed');
                error.name = outcome.error?.name ?? 'Error';
                error.stack = `${error.name}: ${error.message}\n  (in Chromium)\n${outcome.error?.stack ?? ''}`;
                throw error;
              });
            }
          });
        }
      });
    }
    if (pageErrors.length > 0) t.diagnostic(`uncaught errors in the page:\n${pageErrors.join('\n')}`);
  } finally {
    await browser?.close();
    await control.close();
  }
});
