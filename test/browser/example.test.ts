/**
 * examples/browser: the page a person opens to watch a socket session, checked in headless Chromium as a person
 * would use it (its scripted `?auto` session, then its buttons). It runs from the built package (`wxsocket`,
 * `wxsocket/testing` through the export conditions), so dist/ is built first when stale.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildCli } from '../cli/cli-helpers.js';
import { launchChromium } from './chromium.js';

interface Example {
  readonly url: string;
  close(): Promise<void>;
}

interface Entry {
  readonly from: string;
  readonly event: string;
  readonly payload: unknown;
  /** The payload as the page shows it (ArrayBuffers as their bytes). */
  readonly text: string;
}

before(buildCli);

/** Waits until the page has logged an entry matching `from` and `event` (`count` of them). */
async function waitForEntry(page: Page, from: string, event: string, count = 1): Promise<void> {
  await page.waitForFunction(
    ([from, event, count]) =>
      ((window as unknown as { wxsocketSession?: { events: Entry[] } }).wxsocketSession?.events ?? []).filter(
        (entry) => entry.from === from && entry.event === event,
      ).length >= (count as number),
    [from, event, count] as const,
    { timeout: 10_000 },
  );
}

function entries(page: Page): Promise<Entry[]> {
  return page.evaluate(() => (window as unknown as { wxsocketSession: { events: Entry[] } }).wxsocketSession.events);
}

test(
  'examples/browser shows a session live: open, both echoes, the close, and what the server buttons cause',
  { timeout: 120_000 },
  async () => {
    const serve = pathToFileURL('examples/browser/serve.mjs').href;
    const { startExample } = (await import(serve)) as { startExample: () => Promise<Example> };
    const example = await startExample();
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${example.url}?auto`);
      await waitForEntry(page, 'task.onClose', 'close');
      const task = (await entries(page)).filter((entry) => entry.from.startsWith('task.'));
      assert.deepEqual(
        task.map((entry) => entry.event),
        ['open', 'message', 'message', 'close'],
      );
      assert.deepEqual((task[0]!.payload as { header: unknown }).header, {});
      assert.equal((task[1]!.payload as { data: unknown }).data, '你好, wxsocket 🌏');
      assert.match(task[2]!.text, /^\{"data":"ArrayBuffer\(8\) \[\d+(, \d+){7}\]"\}$/);
      assert.deepEqual(task[3]!.payload, { code: 1000, reason: 'bye' });
      assert.equal(await page.textContent('#state'), 'CLOSED');

      // The buttons: a new socket, a message pushed by the server, then a dropped connection.
      await page.click('#connect');
      await waitForEntry(page, 'task.onOpen', 'open', 2);
      await page.click('#push');
      await waitForEntry(page, 'task.onMessage', 'message', 3);
      await page.click('#drop');
      await waitForEntry(page, 'task.onClose', 'close', 2);
      const last = (await entries(page)).filter((entry) => entry.from === 'task.onClose').at(-1);
      assert.deepEqual(last?.payload, { code: 1006, reason: 'abnormal closure' });
    } finally {
      await browser?.close();
      await example.close();
    }
  },
);
