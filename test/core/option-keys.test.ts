// The package's own options objects refuse keys they do not know, naming the key and the closest known one; WeChat's
// own API keeps ignoring unknown keys (contract §1, tested by the conformance suite).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx, installWx, nativeTransport, wsTransport, WxOptionsError } from '../../src/node.js';
import { closest } from '../../src/option-keys.js';
import { createReliableSocket, ReliableSocketOptionsError } from '../../src/reliable/index.js';
import type { WxLike } from '../../src/reliable/index.js';

/** Asserts that `make` throws a WxOptionsError naming `option` with exactly `message`. */
function refusedByCreateWx(make: () => unknown, option: string, message: string): void {
  assert.throws(make, (error: unknown) => {
    assert.ok(error instanceof WxOptionsError);
    assert.equal(error.option, option);
    assert.equal(error.message, message);
    return true;
  });
}

describe('closest known name', () => {
  test('finds misspellings: a swap, a missing or extra letter, another case', () => {
    assert.equal(closest('platfrom', ['platform', 'SDKVersion']), 'platform');
    assert.equal(closest('dorp', ['drop', 'refuse']), 'drop');
    assert.equal(closest('initalDelay', ['initialDelay', 'maxDelay']), 'initialDelay');
    assert.equal(closest('sdkVersion', ['platform', 'SDKVersion']), 'SDKVersion');
    assert.equal(closest('invalid-utf-8', ['invalid-utf8', 'masked-frame']), 'invalid-utf8');
  });

  test('suggests nothing when no name is near', () => {
    assert.equal(closest('xyz', ['platform', 'SDKVersion']), undefined);
    assert.equal(closest('delay', ['latency', 'bandwidth', 'jitter']), undefined);
  });
});

describe('createWx and installWx options', () => {
  test('an unknown option is refused, with the closest known one', () => {
    refusedByCreateWx(
      () => createWx({ platfrom: 'ios' } as never),
      'platfrom',
      'createWx: unknown option "platfrom" (did you mean "platform"?)',
    );
    refusedByCreateWx(
      () => createWx({ sdkversion: '2.0.0' } as never),
      'sdkversion',
      'createWx: unknown option "sdkversion" (did you mean "SDKVersion"?)',
    );
  });

  test('an unknown option with nothing near lists the known ones', () => {
    assert.throws(
      () => createWx({ colour: 'red' } as never),
      /^WxOptionsError: createWx: unknown option "colour" \(known: platform, SDKVersion, domains, .*, pageEvents\)$/,
    );
  });

  test('nested objects are checked too: networkTimeout, tls, launch', () => {
    refusedByCreateWx(
      () => createWx({ networkTimeout: { connectSockt: 5000 } } as never),
      'networkTimeout.connectSockt',
      'createWx: unknown option "networkTimeout.connectSockt" (did you mean "networkTimeout.connectSocket"?)',
    );
    refusedByCreateWx(
      () => createWx({ tls: { cas: [] } } as never),
      'tls.cas',
      'createWx: unknown option "tls.cas" (did you mean "tls.ca"?)',
    );
    refusedByCreateWx(
      () => createWx({ launch: { pth: 'pages/chat/chat' } } as never),
      'launch.pth',
      'createWx: unknown option "launch.pth" (did you mean "launch.path"?)',
    );
    refusedByCreateWx(
      () => createWx({ networkTimeout: 5000 } as never),
      'networkTimeout',
      'createWx: networkTimeout must be an object, not 5000',
    );
  });

  test("app.json's whole networkTimeout is accepted: its other fields are ignored", () => {
    const networkTimeout = { request: 10_000, connectSocket: 5000, uploadFile: 10_000, downloadFile: 10_000 };
    assert.equal(typeof createWx({ networkTimeout }).connectSocket, 'function');
  });

  test('installWx refuses the same, before the global is touched', () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'wx');
    refusedByCreateWx(
      () => installWx({ maxConnection: 2 } as never),
      'maxConnection',
      'createWx: unknown option "maxConnection" (did you mean "maxConnections"?)',
    );
    assert.deepEqual(Object.getOwnPropertyDescriptor(globalThis, 'wx'), before);
  });

  test('the transports refuse unknown options', () => {
    assert.throws(() => wsTransport({ host: {} } as never), {
      name: 'TypeError',
      message: 'wsTransport: unknown option "host" (did you mean "hosts"?)',
    });
    assert.throws(() => nativeTransport({ websocket: class {} } as never), {
      name: 'TypeError',
      message: 'nativeTransport: unknown option "websocket" (did you mean "WebSocket"?)',
    });
  });
});

describe('createReliableSocket options', () => {
  const wx: WxLike = { connectSocket: () => undefined as never };
  const cases: Array<[string, object, string]> = [
    ['the top level', { url: 'wss://x/', reconect: {} }, 'unknown option "reconect" (did you mean "reconnect"?)'],
    [
      'reconnect',
      { url: 'wss://x/', reconnect: { initalDelay: 5 } },
      'unknown option "reconnect.initalDelay" (did you mean "reconnect.initialDelay"?)',
    ],
    [
      'heartbeat',
      { url: 'wss://x/', heartbeat: { intreval: 5 } },
      'unknown option "heartbeat.intreval" (did you mean "heartbeat.interval"?)',
    ],
    ['queue', { url: 'wss://x/', queue: { limt: 5 } }, 'unknown option "queue.limt" (did you mean "queue.limit"?)'],
  ];
  for (const [where, options, problem] of cases) {
    test(`an unknown key in ${where} is refused at creation`, () => {
      assert.throws(
        () => createReliableSocket(wx, options as never),
        (error: unknown) => {
          assert.ok(error instanceof ReliableSocketOptionsError);
          assert.equal(error.message, `createReliableSocket: ${problem}`);
          return true;
        },
      );
    });
  }

  test('a nested option that is not an object is refused', () => {
    assert.throws(() => createReliableSocket(wx, { url: 'wss://x/', queue: 5 } as never), {
      message: 'createReliableSocket: queue must be an object',
    });
  });

  test("connect (WeChat's connectSocket options) and timers (any clock) are not checked for keys", () => {
    let connected = 0;
    const counting: WxLike = {
      connectSocket: () => {
        connected += 1;
        return undefined as never;
      },
    };
    const timers = { setTimeout: () => 0, clearTimeout: () => undefined, tick: () => undefined };
    createReliableSocket(counting, { url: 'wss://x/', connect: { tcpNoDelay: true, agent: false } as never, timers });
    assert.equal(connected, 1);
  });
});
