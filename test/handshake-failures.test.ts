/**
 * Handshake failures from real failures, by profile and base library version (contract §2, §9.2): android from
 * 3.0.0 on reports the binding's `open fail: _code:<N>,_msg:<M>` and tells a DNS failure (1) and a TLS failure (8)
 * apart; ios, and android below 3.0.0, report `exception onOpen fail code:<N>, msg:<M>`, where both are code 2.
 * `errCode` 1004 on android; `onClose` 1006 after each.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { createWx, wsTransport } from '../src/node.js';
import type { WxOptions } from '../src/options.js';
import type { HandshakeFault } from '../src/testing/index.js';
import { runTask, type WxEvent } from './testing/wx-run.js';
import { serversClosedAfter } from './helpers/servers.js';

const start = serversClosedAfter();

/** A TCP port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Failure = 'refused' | 'dns' | 'tls' | 'http' | 'timeout';

/** Where each failure comes from: a URL and the options of the `wx` that connects to it. */
async function setUp(failure: Failure): Promise<{ url: string; options: WxOptions; timeout?: number }> {
  switch (failure) {
    case 'refused':
      return { url: `ws://127.0.0.1:${await closedPort()}/`, options: {} };
    case 'dns':
      // `.invalid` never resolves (RFC 6761 §6.4): the lookup fails locally.
      return { url: 'ws://wxsocket-handshake-test.invalid/', options: {} };
    case 'tls': {
      const server = await start({ secure: true, fault: { type: 'untrusted-certificate' } satisfies HandshakeFault });
      return { url: server.url, options: server.wxOptions };
    }
    case 'http': {
      const server = await start({ fault: { type: 'http-status', status: 403 } });
      return { url: server.url, options: {} };
    }
    case 'timeout': {
      const server = await start({ fault: { type: 'no-upgrade-response' } });
      return { url: server.url, options: {}, timeout: 100 };
    }
  }
}

const BINDING: Record<Failure, string> = {
  refused: 'open fail: _code:2,_msg:Underlying Transport Error',
  dns: 'open fail: _code:1,_msg:Host not found(authoritative)',
  tls: 'open fail: _code:8,_msg:TLS handshake failed',
  http: 'open fail: _code:20,_msg:Invalid HTTP status.',
  timeout: 'open fail: _code:9,_msg:Timer Expired',
};
const OLDER: Record<Failure, string> = {
  refused: 'exception onOpen fail code:2, msg:Underlying Transport Error',
  dns: 'exception onOpen fail code:2, msg:Underlying Transport Error',
  tls: 'exception onOpen fail code:2, msg:Underlying Transport Error',
  http: 'exception onOpen fail code:20, msg:Invalid HTTP status.',
  timeout: 'exception onOpen fail code:9, msg:Timer Expired',
};

const PROFILES = [
  { platform: 'android', SDKVersion: '3.0.0', texts: BINDING },
  { platform: 'android', SDKVersion: '3.6.0', texts: BINDING },
  { platform: 'android', SDKVersion: '2.33.0', texts: OLDER },
  { platform: 'ios', SDKVersion: '3.6.0', texts: OLDER },
] as const;

for (const { platform, SDKVersion, texts } of PROFILES) {
  describe(`${platform}, base library ${SDKVersion}: the handshake failure texts of §2 and §9.2`, () => {
    for (const failure of ['refused', 'dns', 'tls', 'http', 'timeout'] as const) {
      test(`§9.2 ${failure} → onError "${texts[failure]}", then onClose 1006`, async () => {
        const { url, options, timeout } = await setUp(failure);
        const wx = createWx({ platform, SDKVersion, ...options });
        const run = runTask(wx, { url, ...(timeout !== undefined && { timeout }) });
        const error: WxEvent =
          platform === 'android'
            ? { event: 'error', errMsg: texts[failure], errCode: 1004 }
            : { event: 'error', errMsg: texts[failure] };
        assert.deepEqual(await run.closed, [error, { event: 'close', code: 1006, reason: 'abnormal closure' }]);
      });
    }
  });
}

// `wsTransport({hosts})` answers the names it lists itself, and leaves every other name to DNS, which it loads only
// then: a listed name reaches the server at its address, an unlisted one fails as a name that does not resolve.
describe('the ws transport with fixed host names', () => {
  test('§1 a listed name opens at its address; §9.2 an unlisted one is looked up, and fails as DNS does', async () => {
    const server = await start();
    const transport = wsTransport({ hosts: { 'chat.wxsocket.test': '127.0.0.1' } });
    const wx = createWx({ platform: 'android', SDKVersion: '3.6.0', transport });
    const listed = runTask(wx, { url: `ws://chat.wxsocket.test:${new URL(server.url).port}/` });
    await listed.opened;
    void listed.task.close({});
    await listed.closed;
    const unlisted = runTask(wx, { url: 'ws://wxsocket-handshake-test.invalid/' });
    assert.deepEqual(await unlisted.closed, [
      { event: 'error', errMsg: BINDING.dns, errCode: 1004 },
      { event: 'close', code: 1006, reason: 'abnormal closure' },
    ]);
  });
});
