/**
 * The native transport (`transports/native.ts`): its own decisions against a scripted WebSocket, and the whole
 * conformance suite over `ws`'s WHATWG-style WebSocket class (every Node version) and over Node's global WebSocket
 * (Node 22+; on older Node, run `node scripts/test-node24.mjs`). The same transport runs in Chromium in
 * test/browser/.
 */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import WsWebSocket from 'ws';
import {
  createWx,
  nativeTransport,
  type NativeWebSocket,
  type NativeWebSocketConstructor,
  type Transport,
} from '../src/node.js';
import type { SocketProfile, TransportFailureKind, TransportHandlers, TransportRequest } from '../src/transport.js';
import { NATIVE_CAPABILITIES, NODE_NATIVE_CAPABILITIES } from './browser/native-capabilities.js';
import type { Capabilities } from './conformance/env.js';
import { MATRIX_VERSIONS, SUITES } from './conformance/index.js';
import { nodeEnv } from './conformance/node-env.js';
import { settle } from './conformance/recorder.js';

type Listener = (event: unknown) => void;

/** A WebSocket whose every event and `bufferedAmount` the test drives; it records what the transport asked of it. */
class ScriptedWebSocket implements NativeWebSocket {
  static last: ScriptedWebSocket | undefined;
  binaryType = 'blob';
  bufferedAmount = 0;
  readyState = 0;
  readonly sent: (string | ArrayBuffer)[] = [];
  readonly closes: unknown[][] = [];
  readonly #listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    ScriptedWebSocket.last = this;
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string | ArrayBuffer): void {
    this.sent.push(data);
    this.bufferedAmount += typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data.byteLength;
  }

  close(...args: unknown[]): void {
    this.closes.push(args);
    if (this.readyState < 2) this.readyState = 2;
  }

  fire(type: 'open' | 'message' | 'error' | 'close', event: object = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** Handlers that log what the transport reports. */
function recordHandlers() {
  const events: [string, ...unknown[]][] = [];
  const handlers: TransportHandlers = {
    onOpen: (header, profile) => void events.push(['open', header, profile]),
    onMessage: (data) => void events.push(['message', data]),
    onError: (kind: TransportFailureKind, cause) => void events.push(['error', kind, cause.message]),
    onClose: (code, reason) => void events.push(['close', code, reason]),
  };
  return { events, handlers };
}

const REQUEST: TransportRequest = {
  url: 'wss://chat.example.com/room?id=1#fragment',
  headers: { Referer: 'https://servicewechat.com/touristappid/devtools/page-frame.html' },
  protocols: ['mqtt', 'v2'],
  perMessageDeflate: false,
  tcpNoDelay: false,
  maxMessageSize: 16,
  ca: [],
};

function open(request: Partial<TransportRequest> = {}) {
  const { events, handlers } = recordHandlers();
  const connection = nativeTransport({ WebSocket: ScriptedWebSocket })({ ...REQUEST, ...request }, handlers);
  return { events, connection, socket: ScriptedWebSocket.last! };
}

/** Resolves once `check` holds, looking every few milliseconds; fails after a second. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe('native transport, against a scripted WebSocket', () => {
  test('§1 it opens the URL without its fragment, requests the subprotocols and asks for ArrayBuffers', () => {
    const { socket, events } = open();
    assert.equal(socket.url, 'wss://chat.example.com/room?id=1');
    assert.deepEqual(socket.protocols, ['mqtt', 'v2']);
    assert.equal(socket.binaryType, 'arraybuffer');
    assert.deepEqual(events, [], 'nothing is reported before an event arrives');
  });

  test('§2 onOpen reports no headers and a profile of fetchStart and cost, the phases collapsed onto fetchStart', () => {
    const before = Date.now();
    const { socket, events } = open();
    socket.fire('open');
    const [name, header, profile] = events[0]! as [string, object, SocketProfile];
    assert.equal(name, 'open');
    assert.deepEqual(header, {});
    const { fetchStart, cost } = profile;
    assert.ok(fetchStart >= before && fetchStart <= Date.now());
    assert.deepEqual(profile, {
      fetchStart,
      domainLookUpStart: fetchStart,
      domainLookUpEnd: fetchStart,
      connectStart: fetchStart,
      connectEnd: fetchStart,
      rtt: 0,
      handshakeCost: cost,
      cost,
    });
  });

  test("§2 text and exact ArrayBuffers are delivered; another realm's ArrayBuffer is copied into this one", () => {
    const { socket, events } = open();
    socket.fire('open');
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const foreign = runInNewContext('new Uint8Array([4, 5]).buffer') as ArrayBuffer;
    assert.equal(foreign instanceof ArrayBuffer, false);
    socket.fire('message', { data: 'hi' });
    socket.fire('message', { data: buffer });
    socket.fire('message', { data: foreign });
    const data = events.slice(1).map(([, payload]) => payload);
    assert.equal(data[0], 'hi');
    assert.equal(data[1], buffer, 'an ArrayBuffer of this realm is passed as is');
    assert.ok(data[2] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(data[2] as ArrayBuffer)], [4, 5]);
  });

  test('§2 a message over maxMessageSize, or binary that is not an ArrayBuffer, fails the connection', () => {
    for (const data of ['x'.repeat(17), '字'.repeat(6), new ArrayBuffer(17), new Blob(['x'])]) {
      const { socket, events } = open();
      socket.fire('open');
      socket.fire('message', { data: '字'.repeat(5) }); // 15 bytes: within the limit
      socket.fire('message', { data });
      assert.deepEqual(events.slice(1, 2), [['message', '字'.repeat(5)]]);
      assert.equal(events[2]![0], 'error');
      assert.equal(events[2]![1], 'protocol');
    }
  });

  test('§2 a handshake failure is a transport failure (the platform gives no detail), then close 1006', () => {
    const { socket, events } = open();
    socket.fire('error');
    socket.fire('close', { code: 1006, reason: '' });
    assert.deepEqual(events, [
      ['error', 'transport', 'WebSocket handshake failed (no detail given)'],
      ['close', 1006, ''],
    ]);
  });

  test('§2 an error after open is a protocol failure; a close without error is reported as it came', () => {
    const { socket, events } = open();
    socket.fire('open');
    socket.fire('error');
    socket.fire('close', { code: 1006, reason: '' });
    assert.deepEqual(events.slice(1), [
      ['error', 'protocol', 'WebSocket connection failed (no detail given)'],
      ['close', 1006, ''],
    ]);
    const clean = open();
    clean.socket.fire('open');
    clean.socket.fire('close', { code: 4100, reason: 'bye' });
    assert.deepEqual(clean.events.slice(1), [['close', 4100, 'bye']]);
  });

  test('§2 close sends the code and reason; abort while CONNECTING closes and reports only the final close', () => {
    const opened = open();
    opened.socket.fire('open');
    opened.connection.close(4321, 'done');
    assert.deepEqual(opened.socket.closes, [[4321, 'done']]);

    const { socket, connection, events } = open();
    connection.abort();
    connection.abort();
    assert.deepEqual(socket.closes, [[]], 'closed once, without a code');
    socket.fire('error');
    socket.fire('open');
    socket.fire('close', { code: 1006, reason: '' });
    socket.fire('close', { code: 1006, reason: '' });
    assert.deepEqual(events, [['close', 1006, '']]);
  });

  test('§0.5 a WebSocket class that refuses a close code still closes, without it, and nothing throws', () => {
    class Picky extends ScriptedWebSocket {
      override close(...args: unknown[]): void {
        if (args.length > 0) throw new DOMException('code refused', 'InvalidAccessError');
        super.close();
      }
    }
    const { events, handlers } = recordHandlers();
    const connection = nativeTransport({ WebSocket: Picky })(REQUEST, handlers);
    const socket = ScriptedWebSocket.last!;
    socket.fire('open');
    assert.doesNotThrow(() => connection.close(4000, 'bye'));
    assert.deepEqual(socket.closes, [[]]);
    assert.equal(events.length, 1);
  });

  test('§2 send done: never at once, only after the bytes have left bufferedAmount, in order', async (t) => {
    const { socket, connection } = open();
    t.after(() => socket.fire('close', { code: 1006, reason: '' })); // stops the polling if an assertion fails
    socket.fire('open');
    const done: string[] = [];
    connection.send('héllo', (error) => done.push(error ? `hello failed` : 'hello')); // 6 bytes
    connection.send(new Uint8Array(10).buffer, (error) => done.push(error ? 'binary failed' : 'binary'));
    connection.send('no callback');
    connection.send(new ArrayBuffer(0), (error) => done.push(error ? 'empty failed' : 'empty'));
    assert.equal(connection.bufferedAmount, 6 + 10 + 11);
    await settle(5);
    assert.deepEqual(done, [], 'nothing has left yet');
    socket.bufferedAmount -= 6;
    await until(() => done.length === 1, 'the first done');
    assert.deepEqual(done, ['hello']);
    socket.bufferedAmount -= 10;
    await until(() => done.length === 2, 'the second done');
    assert.deepEqual(done, ['hello', 'binary']);
    socket.bufferedAmount -= 11; // the send without a callback, before the empty one
    await until(() => done.length === 3, 'the last done');
    assert.deepEqual(done, ['hello', 'binary', 'empty']);
  });

  test('§2 send done: sends still buffered when the socket closes fail, before onClose', async () => {
    const { socket, connection, events } = open();
    socket.fire('open');
    const done: string[] = [];
    connection.send('a', (error) => done.push(error ? 'a failed' : 'a'));
    connection.send('b', (error) => done.push(error ? 'b failed' : 'b'));
    socket.bufferedAmount = 1; // `a` left
    socket.fire('close', { code: 1006, reason: '' });
    assert.deepEqual(done, ['a', 'b failed']);
    assert.deepEqual(events.at(-1), ['close', 1006, '']);
    const late: unknown[] = [];
    connection.send('late', (error) => late.push(error?.message));
    assert.deepEqual(late, [], 'not at once');
    await until(() => late.length === 1, 'the late done');
    assert.deepEqual(late, ['WebSocket is not open: readyState 3']);
    assert.equal(socket.sent.length, 2, 'nothing is written to a closed socket');
  });

  test('§2 send done: abort fails the sends still waiting', async () => {
    const { socket, connection } = open();
    socket.fire('open');
    const done: unknown[] = [];
    connection.send('a', (error) => done.push(error?.message));
    connection.abort();
    await until(() => done.length === 1, 'the done');
    assert.deepEqual(done, ['WebSocket closed before the message was sent']);
  });

  test('nativeTransport() without a WebSocket class says where to find one', () => {
    const global = globalThis as { WebSocket?: unknown };
    const descriptor = Object.getOwnPropertyDescriptor(global, 'WebSocket');
    try {
      Object.defineProperty(global, 'WebSocket', { value: undefined, configurable: true, writable: true });
      assert.throws(() => nativeTransport(), { name: 'TypeError', message: /no WebSocket class.*\{WebSocket\}/ });
    } finally {
      if (descriptor) Object.defineProperty(global, 'WebSocket', descriptor);
      else delete global.WebSocket;
    }
  });

  test('§1 createWx({transport: nativeTransport()}) drives a wx task through the transport', async () => {
    const wx = createWx({ transport: nativeTransport({ WebSocket: ScriptedWebSocket }) });
    const task = wx.connectSocket({ url: 'ws://chat.example.com', header: { 'X-Token': 'ignored' } });
    const events: string[] = [];
    task.onOpen(({ header }) => events.push(`open ${JSON.stringify(header)}`));
    task.onClose(({ code, reason }) => events.push(`close ${code} ${reason}`));
    await until(() => ScriptedWebSocket.last?.url === 'ws://chat.example.com', 'the connection');
    const socket = ScriptedWebSocket.last!;
    socket.fire('open');
    void task.close({ code: 4000, reason: 'bye' });
    assert.deepEqual(socket.closes, [[4000, 'bye']]);
    socket.fire('close', { code: 4000, reason: 'bye' });
    await until(() => events.length === 2, 'open and close');
    assert.deepEqual(events, ['open {}', 'close 4000 bye']);
  });
});

// Compile-time: the platform's WebSocket class (DOM, Node 22+) and `ws`'s are accepted as they are.
const platformClass: NativeWebSocketConstructor | undefined = (globalThis as { WebSocket?: typeof WebSocket })
  .WebSocket;
const wsClass: NativeWebSocketConstructor = WsWebSocket;

/** The conformance suite over the native transport with this `WebSocket` class: both profiles, every matrix version. */
function conformance(name: string, transport: Transport, capabilities: Capabilities): void {
  for (const platform of ['android', 'ios'] as const) {
    for (const SDKVersion of MATRIX_VERSIONS) {
      const env = nodeEnv({
        platform,
        ...(SDKVersion !== undefined && { SDKVersion }),
        transport: { name, create: transport, capabilities },
      });
      describe(env.label, () => {
        for (const [name, suite] of Object.entries(SUITES)) {
          describe(name, () => {
            suite(env, (title, body, options = {}) => {
              it(title, { timeout: 15_000, ...(options.skip && { skip: options.skip }) }, body);
            });
          });
        }
      });
    }
  }
}

// On every Node version: `ws`'s WHATWG-style WebSocket class stands in for a platform's (no headers, no trust).
describe("conformance over the native transport with ws's WebSocket class", () => {
  conformance('native (ws WebSocket class)', nativeTransport({ WebSocket: wsClass }), NATIVE_CAPABILITIES);
});

// Node's own WebSocket (undici, Node 22+); on older Node run `node scripts/test-node24.mjs`.
const noGlobal =
  platformClass === undefined
    ? `Node ${process.version} has no global WebSocket (22+ has): run node scripts/test-node24.mjs`
    : false;
describe('conformance over the native transport (Node global WebSocket)', { skip: noGlobal }, () => {
  if (platformClass) conformance('native', nativeTransport(), NODE_NATIVE_CAPABILITIES);
});
