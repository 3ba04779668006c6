/**
 * Contract §8.4 in real headless Chromium: the browser build's phone follows the page by default. The page going
 * hidden and visible gives `onAppHide`/`onAppShow` (suspension only when `suspendDelay` asks for it); the browser
 * going offline and online (Playwright's `context.setOffline`, the DevTools protocol's network emulation) gives
 * `onNetworkStatusChange` and fails the sockets; `navigator.connection` names the network; `pageEvents: false` turns
 * it all off. Headless Chromium never hides a page by itself, so visibility is changed the way the page sees it:
 * `document.visibilityState` overridden and a `visibilitychange` event dispatched.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import { launchChromium } from './chromium.js';

/** What the page exposes: the browser entry, and a log of what a mini program would see. */
const ENTRY = `
import { createWx, phoneOf } from ${JSON.stringify(fileURLToPath(new URL('../../src/browser.ts', import.meta.url)))};
const field = (window.field = { createWx, phoneOf, log: [] });
const record = (name) => (result) => field.log.push([name, result]);
/** A wx object made with these options, logging what a mini program would see. */
field.setup = (options) => {
  const wx = (field.wx = createWx(options));
  wx.onAppShow(record('show'));
  wx.onAppHide(record('hide'));
  wx.onNetworkStatusChange(record('status'));
};
/** A socket to this URL, logging its events. */
field.connect = (url) => {
  const task = (field.task = field.wx.connectSocket({ url }));
  task.onOpen(record('open'));
  task.onMessage(record('message'));
  task.onError(record('error'));
  task.onClose(record('close'));
};
field.send = (data) => void field.task.send({ data });
field.state = () => phoneOf(field.wx).state.app;
field.networkType = async () => (await field.wx.getNetworkType()).networkType;
window.setVisibility = (state) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
};
`;

interface PageWindow {
  field: {
    log: [string, unknown][];
    setup(options: object): void;
    connect(url: string): void;
    send(data: string): void;
    state(): string;
    networkType(): Promise<string>;
    phoneOf: typeof import('../../src/browser.js').phoneOf;
    wx: import('../../src/types.js').Wx;
  };
  setVisibility(state: 'hidden' | 'visible'): void;
}

let http: Server;
let pageUrl: string;
let sockets: TestServer;
let browser: Browser;

before(async () => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  http = createServer((request, response) => {
    const body = request.url === '/page.js' ? script : '<!doctype html><script type="module" src="/page.js"></script>';
    response.writeHead(200, { 'content-type': request.url === '/page.js' ? 'text/javascript' : 'text/html' });
    response.end(body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  sockets = await createTestServer({ handler: echo });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sockets?.close();
  await new Promise((resolve) => http?.close(resolve));
});

/** A fresh page with the browser entry loaded, and `wx` made with `options` and logging what it sees. */
async function openPage(options: object = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'field' in window);
  await page.evaluate((options) => (window as unknown as PageWindow).field.setup(options), options);
  return { context, page };
}

/** Connects from the page and waits for the socket to open. */
async function connect(page: Page): Promise<void> {
  await page.evaluate((url) => (window as unknown as PageWindow).field.connect(url), sockets.url);
  await waitForLog(page, 'open');
}

async function waitForLog(page: Page, name: string, count = 1): Promise<void> {
  await page.waitForFunction(
    ([name, count]) =>
      (window as unknown as PageWindow).field.log.filter(([entry]) => entry === name).length >= (count as number),
    [name, count] as const,
    { timeout: 10_000 },
  );
}

async function log(page: Page): Promise<[string, unknown][]> {
  return page.evaluate(() => (window as unknown as PageWindow).field.log);
}

async function appState(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as PageWindow).field.state());
}

test('§8.4 a hidden page is onAppHide, a visible one onAppShow; sockets stay open without suspendDelay', async () => {
  const { context, page } = await openPage({ launch: { path: 'pages/chat/chat', scene: 1001, query: {} } });
  try {
    await connect(page);
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
    await waitForLog(page, 'hide');
    assert.equal(await appState(page), 'background');
    await page.evaluate(() => (window as unknown as PageWindow).field.send('hidden page'));
    await waitForLog(page, 'message');
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('visible'));
    await waitForLog(page, 'show');
    assert.deepEqual(
      (await log(page)).map(([name]) => name),
      ['open', 'hide', 'message', 'show'],
    );
    assert.deepEqual((await log(page)).at(-1), [
      'show',
      { path: 'pages/chat/chat', scene: 1001, query: {}, referrerInfo: {}, apiCategory: 'default' },
    ]);
    assert.equal(await appState(page), 'foreground');
  } finally {
    await context.close();
  }
});

test('§8.4 with suspendDelay a hidden page suspends the app: close 1000 to the server, onClose "interrupted" after show', async () => {
  const { context, page } = await openPage({ suspendDelay: 0 });
  const own = await createTestServer({ handler: echo }); // its only connection is this test's
  try {
    await page.evaluate((url) => (window as unknown as PageWindow).field.connect(url), own.url);
    await waitForLog(page, 'open');
    const client = await own.nextConnection();
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: 'default_close' });
    assert.equal(await appState(page), 'suspended');
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('visible'));
    await waitForLog(page, 'close');
    assert.deepEqual(
      (await log(page)).map(([name]) => name),
      ['open', 'hide', 'show', 'close'],
    );
    assert.deepEqual((await log(page)).at(-1), ['close', { code: 1000, reason: 'interrupted' }]);
  } finally {
    await context.close();
    await own.close();
  }
});

test('§8.4 the browser going offline: onNetworkStatusChange, then the socket fails; online again, sockets work', async () => {
  const { context, page } = await openPage();
  try {
    await connect(page);
    await context.setOffline(true);
    await waitForLog(page, 'close');
    assert.deepEqual((await log(page)).slice(1), [
      ['status', { isConnected: false, networkType: 'none' }],
      ['error', { errMsg: 'network is down', errCode: 1006 }],
      ['close', { code: 1006, reason: 'abnormal closure' }],
    ]);
    assert.equal(await page.evaluate(() => (window as unknown as PageWindow).field.networkType()), 'none');
    await context.setOffline(false);
    await waitForLog(page, 'status', 2);
    assert.deepEqual((await log(page)).at(-1), ['status', { isConnected: true, networkType: 'wifi' }]);
    await connect(page);
  } finally {
    await context.close();
  }
});

test('§8.4 navigator.connection names the network: a change of type is reported, sockets are left to the network', async () => {
  const context = await browser.newContext();
  // Desktop Chromium has no `navigator.connection.type`; a page script stands in for a phone's browser that has.
  // A string, not a function: the test's own compiled functions would carry helpers the page does not have.
  await context.addInitScript(`
    const connection = Object.assign(new EventTarget(), { type: 'wifi', effectiveType: '4g' });
    Object.defineProperty(navigator, 'connection', { configurable: true, get: () => connection });
    window.connection = connection;
  `);
  const page = await context.newPage();
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'field' in window);
    await page.evaluate(() => (window as unknown as PageWindow).field.setup({}));
    await connect(page);
    await page.evaluate(() => {
      const { connection } = window as unknown as { connection: EventTarget & { type: string; effectiveType: string } };
      connection.type = 'cellular';
      connection.effectiveType = '3g';
      connection.dispatchEvent(new Event('change'));
    });
    await waitForLog(page, 'status');
    await page.evaluate(() => (window as unknown as PageWindow).field.send('still open'));
    await waitForLog(page, 'message');
    assert.deepEqual(
      (await log(page)).map(([name, result]) => (name === 'status' ? [name, result] : name)),
      ['open', ['status', { isConnected: true, networkType: '3g' }], 'message'],
    );
  } finally {
    await context.close();
  }
});

test('§8.4 createWx({pageEvents: false}): the page drives nothing; the control still does', async () => {
  const { context, page } = await openPage({ pageEvents: false });
  try {
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
    await context.setOffline(true);
    await page.evaluate(() => (window as unknown as PageWindow).setVisibility('visible'));
    await context.setOffline(false);
    await page.evaluate(() =>
      (window as unknown as PageWindow).field.phoneOf((window as unknown as PageWindow).field.wx).hide(),
    );
    await waitForLog(page, 'hide');
    assert.deepEqual(
      (await log(page)).map(([name]) => name),
      ['hide'],
    );
  } finally {
    await context.close();
  }
});
