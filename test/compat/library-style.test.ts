/**
 * Third-party code as it is written for mini programs, run unmodified on a global `wx` from `installWx()`: the
 * free global, unbound functions, `protocols` as a string, `readyState`, `wx.canIUse`, options WeChat does not know
 * (docs/compatibility.md). The SDK under test is fixtures/legacy-sdk.cjs.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { WxOptionsError, installWx, type SocketTask } from '../../src/node.js';
import { createTestServer, echo, type TestServerOptions } from '../../src/testing/index.js';
import { turn } from '../helpers/leaks.js';

interface SdkHandle {
  readonly task: SocketTask;
  readonly log: string[];
  send(data: string | ArrayBuffer): boolean;
  close(): void;
}
interface GlobalApiHandle {
  readonly log: string[];
  connect(url: string): void;
  send(text: string): void;
  close(): void;
}
const sdk = createRequire(import.meta.url)('./fixtures/legacy-sdk.cjs') as {
  open(url: string, options?: { protocols?: string; extra?: object }): SdkHandle;
  globalApi(): GlobalApiHandle;
};

type TestContext = { after(fn: () => unknown): void };
const globals = globalThis as { wx?: unknown };

/** A test server and an installed global `wx`; both undone after the test. */
async function setUp(t: TestContext, serverOptions: TestServerOptions = {}, platform: 'android' | 'ios' = 'android') {
  const server = await createTestServer(serverOptions);
  const installed = installWx({ platform, ...server.wxOptions });
  t.after(async () => {
    installed.uninstall();
    await server.close();
  });
  return { server, wx: installed.wx };
}

const opened = (task: SocketTask) => new Promise<void>((resolve) => task.onOpen(() => resolve()));
const closed = (task: SocketTask) => new Promise<{ code: number; reason: string }>((resolve) => task.onClose(resolve));

describe('installWx', () => {
  test('puts a wx object on globalThis and uninstall() removes it when there was none', () => {
    assert.equal('wx' in globalThis, false);
    const { wx, uninstall } = installWx();
    assert.equal(globals.wx, wx);
    assert.equal(typeof wx.connectSocket, 'function');
    uninstall();
    assert.equal('wx' in globalThis, false);
  });

  test('uninstall() restores exactly what was there: a value, or a getter; nested installs unwind in reverse', () => {
    const previous = { isMock: true };
    globals.wx = previous;
    try {
      const outer = installWx();
      const inner = installWx({ platform: 'ios' });
      assert.equal(globals.wx, inner.wx);
      inner.uninstall();
      assert.equal(globals.wx, outer.wx);
      outer.uninstall();
      assert.equal(globals.wx, previous);
    } finally {
      delete globals.wx;
    }
    const getter = () => previous;
    Object.defineProperty(globalThis, 'wx', { get: getter, configurable: true, enumerable: false });
    try {
      installWx().uninstall();
      const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'wx');
      assert.equal(descriptor?.get, getter);
      assert.equal(descriptor?.enumerable, false);
    } finally {
      delete globals.wx;
    }
  });

  test('uninstall() a second time does nothing', () => {
    const { uninstall } = installWx();
    uninstall();
    const later = installWx();
    uninstall();
    assert.equal(globals.wx, later.wx);
    later.uninstall();
    assert.equal('wx' in globalThis, false);
  });

  test('invalid options throw a WxOptionsError and leave the global untouched', () => {
    assert.throws(() => installWx({ platform: 'windows' as 'ios' }), WxOptionsError);
    assert.equal('wx' in globalThis, false);
  });
});

describe('a third-party SDK on the global wx', () => {
  test('§1 protocols given as a string are split on commas and trimmed; the server selects one and the socket opens', async (t) => {
    const { server } = await setUp(t, { selectProtocol: (offered) => offered[1] });
    const handle = sdk.open(server.url, { protocols: 'chat,  superchat' });
    await opened(handle.task);
    const connection = await server.nextConnection();
    assert.deepEqual(connection.request.protocols, ['chat', 'superchat']);
    assert.equal(connection.protocol, 'superchat');
    assert.equal(connection.request.headers['x-sdk'], 'legacy/1.0');
    handle.close();
    await closed(handle.task);
  });

  test('§2 readyState reads 0 when created, 1 in onOpen, 3 in onClose, with the constants on the task', async (t) => {
    const { server } = await setUp(t, { handler: echo });
    const handle = sdk.open(server.url);
    assert.deepEqual([handle.task.CONNECTING, handle.task.OPEN, handle.task.CLOSING, handle.task.CLOSED], [0, 1, 2, 3]);
    assert.equal(handle.send('too early'), false);
    await opened(handle.task);
    assert.equal(handle.send('hello'), true);
    assert.equal(handle.send(new Uint8Array([1, 2, 3]).buffer), true);
    const connection = await server.nextConnection();
    await connection.nextMessage();
    await connection.nextMessage();
    const done = closed(handle.task);
    handle.close();
    assert.deepEqual(await done, { code: 1000, reason: 'sdk close' });
    assert.deepEqual(handle.log, [
      'created readyState=0',
      'open readyState=1',
      'text hello',
      'binary 3',
      'close 1000 readyState=3',
    ]);
  });

  test('§1 options WeChat does not know, or of unexpected types, never fail the call', async (t) => {
    const { server } = await setUp(t);
    const extra = {
      perMessageDeflate: { threshold: 1024 },
      agent: false,
      rejectUnauthorized: false,
      tcpNoDelay: 'yes',
      timeout: 'soon',
    };
    const handle = sdk.open(server.url, { extra });
    await opened(handle.task);
    assert.equal(handle.task.readyState, 1);
    handle.close();
    await closed(handle.task);
  });

  test('§0.5 a task method called unbound fails through its fail callback instead of throwing', async (t) => {
    const { server } = await setUp(t);
    const handle = sdk.open(server.url);
    await opened(handle.task);
    const send = handle.task.send;
    const result = await new Promise<{ errMsg: string }>((resolve) => {
      assert.doesNotThrow(() => send({ data: 'x', fail: resolve }));
    });
    assert.match(result.errMsg, /^sendSocketMessage:fail /);
    handle.close();
    await closed(handle.task);
  });

  for (const platform of ['android', 'ios'] as const) {
    test(`§3 the global API works with every function taken off wx and called unbound (${platform})`, async (t) => {
      const { server, wx } = await setUp(t, { handler: echo }, platform);
      const api = sdk.globalApi();
      api.connect(server.url);
      // One listener per event (§3): these, set in the same turn, replace the SDK's; they log the same way.
      const { onSocketOpen, onSocketMessage, onSocketClose } = wx;
      const openedNow = new Promise<void>((resolve) => onSocketOpen(() => resolve(void api.log.push('open'))));
      const echoed = new Promise<void>((resolve) =>
        onSocketMessage((res) => resolve(void api.log.push(`message ${String(res.data)}`))),
      );
      const closedNow = new Promise<void>((resolve) =>
        onSocketClose((res) => resolve(void api.log.push(`close ${res.code}`))),
      );
      await openedNow;
      api.send('ping');
      await echoed;
      api.close();
      await closedNow;
      assert.deepEqual(api.log, ['open', 'message ping', 'close 1000']);
      assert.deepEqual(await (await server.nextConnection()).waitForClose(), { code: 1000, reason: '' });
    });
  }

  test('§0.8 wx.closeSocket() called unbound with no argument and its result ignored leaves no unhandled rejection', async (t) => {
    const { wx } = await setUp(t);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    t.after(() => process.off('unhandledRejection', onUnhandled));
    const close = wx.closeSocket;
    const returned: unknown = close(); // no socket: a rejected Promise (2.10.2+), which nobody handles
    assert.ok(returned instanceof Promise);
    // Node reports unhandled rejections once the microtask queue drains: one macrotask later it would have.
    await turn();
    assert.deepEqual(unhandled, []);
  });
});

describe('wx.canIUse, as libraries use it for feature detection (§4)', () => {
  test('answers per emulated base library version, with or without a leading "wx."', () => {
    const cases: Array<[string | undefined, string, boolean]> = [
      [undefined, 'connectSocket', true],
      [undefined, 'wx.connectSocket', true],
      [undefined, 'connectSocket.object.protocols', true],
      [undefined, 'SocketTask.onOpen.callback.profile', true],
      [undefined, 'onSocketOpen.callback.header', true],
      [undefined, 'request', false],
      [undefined, 'connectSocket.object.nonsense', false],
      ['1.3.0', 'connectSocket.object.protocols', false],
      ['1.3.0', 'SocketTask', false],
      ['1.7.0', 'SocketTask.onOpen', true],
      ['2.10.3', 'SocketTask.onOpen.callback.profile', false],
      ['2.10.4', 'SocketTask.onOpen.callback.profile', true],
    ];
    for (const [SDKVersion, schema, expected] of cases) {
      const { wx, uninstall } = installWx(SDKVersion === undefined ? {} : { SDKVersion });
      try {
        const canIUse = wx.canIUse; // unbound
        assert.equal(canIUse(schema), expected, `${SDKVersion ?? 'newest'}: ${schema}`);
      } finally {
        uninstall();
      }
    }
  });
});
