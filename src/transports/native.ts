/**
 * The native transport, over the platform's own `WebSocket` (browsers; Node.js 22+ as `globalThis.WebSocket`). It
 * only moves bytes and reports facts (see `../transport.ts`); every WeChat rule lives in the core. No Node imports.
 *
 * What a native `WebSocket` cannot do, and what this transport does instead (docs/browser.md has the table):
 * - request headers cannot be set: `request.headers` (Referer, User-Agent, the caller's `header`) are not sent;
 * - response headers cannot be read: `onOpen` reports `{}`;
 * - extra trust cannot be added: `request.ca` is ignored (the platform's trust store decides);
 * - `perMessageDeflate`, `tcpNoDelay` are the platform's choice;
 * - a failed handshake gives no detail (an `error` event, then `close` 1006), so it is reported as `transport`:
 *   an HTTP status other than 101 cannot be told from a refused connection;
 * - there is no write callback: `send`'s `done` is called once the message has left `bufferedAmount`;
 * - `profile` has two measured instants (`fetchStart`, open); the phases in between cannot be seen.
 * @see https://websockets.spec.whatwg.org/
 */
import type {
  SocketProfile,
  Transport,
  TransportConnection,
  TransportHandlers,
  TransportRequest,
} from '../transport.js';
import { isArrayBuffer, utf8Length } from '../bytes.js';
import { hostTimers, type TimerHandle } from '../host-timers.js';
import { checkObject } from '../option-keys.js';
import { connectionUrl } from './connection-url.js';

/**
 * What this transport needs of a `WebSocket` object: the WHATWG interface (a browser's, Node 22+'s, or a
 * compatible class such as `ws`'s).
 */
export interface NativeWebSocket {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'error' | 'close', listener: (event: unknown) => void): void;
}

/** A `WebSocket` class, as `new WebSocket(url, protocols)` takes it. */
export type NativeWebSocketConstructor = new (url: string, protocols?: string | string[]) => NativeWebSocket;

/** Options of the native transport. */
export interface NativeTransportOptions {
  /**
   * The `WebSocket` class to use. Default: `globalThis.WebSocket` (browsers, Node.js 22+). Another WHATWG-compatible
   * class works too (a polyfill, or `ws`'s `WebSocket` on older Node).
   */
  WebSocket?: NativeWebSocketConstructor;
}

/**
 * Creates the native transport: `createWx({transport: nativeTransport()})`. The default in browsers; on Node.js it
 * must be chosen explicitly (the default there is `ws`). Throws a `TypeError` when no `WebSocket` class is found.
 */
export function nativeTransport(options: NativeTransportOptions = {}): Transport {
  checkObject(options, '', ['WebSocket'], (_option, message) => {
    throw new TypeError(`nativeTransport: ${message}`);
  });
  const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: NativeWebSocketConstructor }).WebSocket;
  if (typeof WebSocketClass !== 'function') {
    throw new TypeError('nativeTransport: no WebSocket class here; pass one as {WebSocket}');
  }
  // WHATWG `send()` copies binary data at the call (contract §0.7: the bytes as they were when `send` was called),
  // so the platform's own class needs no copy of ours. Another class (a polyfill, `ws`'s) may read the buffer
  // later, when the frame is compressed or queued: for it, the transport takes the snapshot.
  const copiesOnSend = WebSocketClass === (globalThis as { WebSocket?: unknown }).WebSocket;
  return (request, handlers) => new NativeConnection(WebSocketClass, copiesOnSend, request, handlers);
}

/** `WebSocket.readyState` of an open socket (WHATWG). */
const OPEN = 1;

/** Longest pause between two looks at `bufferedAmount` while sends wait for `done` [ours]. */
const MAX_POLL_DELAY = 32;

/** Milliseconds since the epoch, as WeChat's `profile` timestamps are. */
const now = Date.now;

/** A send waiting for its bytes to leave `bufferedAmount`: `mark` is the byte count sent up to its end. */
type PendingSend = readonly [mark: number, done: (error?: Error) => void];

/**
 * Where the connection is: the WHATWG states, plus `aborted` (the core gave up on it: its events are ignored, except
 * the final close). One field, changed only in `#open`, `abort` and `#closed`.
 */
type Phase = 'connecting' | 'open' | 'aborted' | 'closed';

class NativeConnection implements TransportConnection {
  readonly #socket: NativeWebSocket;
  readonly #handlers: TransportHandlers;
  readonly #maxMessageSize: number;
  /** Whether the socket copies binary data in `send` itself (the platform's WebSocket does). */
  readonly #copiesOnSend: boolean;
  readonly #fetchStart = now();
  #phase: Phase = 'connecting';
  /** Bytes passed to `socket.send` so far (UTF-8 for text, as `bufferedAmount` counts them). */
  #sent = 0;
  readonly #pending: PendingSend[] = [];
  #poll: TimerHandle | undefined;
  #pollDelay = 0;

  constructor(
    WebSocketClass: NativeWebSocketConstructor,
    copiesOnSend: boolean,
    request: TransportRequest,
    handlers: TransportHandlers,
  ) {
    this.#handlers = handlers;
    this.#copiesOnSend = copiesOnSend;
    this.#maxMessageSize = request.maxMessageSize;
    // The URL as every transport opens it (no fragment, no userinfo). It, or the constructor (SyntaxError,
    // SecurityError), throws for a URL the platform refuses: a transport failure.
    const socket = (this.#socket = new WebSocketClass(connectionUrl(request.url), request.protocols as string[]));
    // Binary as exact ArrayBuffers, never Blobs (contract §0.7).
    socket.binaryType = 'arraybuffer';
    // Events arrive on later tasks, so no handler runs before the factory returns (transport.ts).
    socket.addEventListener('open', () => this.#open());
    socket.addEventListener('message', (event) => this.#message((event as MessageEvent).data));
    socket.addEventListener('error', () => this.#error());
    socket.addEventListener('close', (event) => this.#closed((event as CloseEvent).code, (event as CloseEvent).reason));
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  send(data: string | ArrayBuffer, done?: (error?: Error) => void): void {
    // A platform socket that is no longer OPEN drops the data silently (WHATWG); report it instead.
    if (this.#socket.readyState !== OPEN) {
      if (done) {
        const error = new Error(`WebSocket is not open: readyState ${this.#socket.readyState}`);
        hostTimers.setTimeout(() => done(error), 0);
      }
      return;
    }
    this.#socket.send(typeof data === 'string' || this.#copiesOnSend ? data : data.slice(0));
    this.#sent += typeof data === 'string' ? utf8Length(data) : data.byteLength;
    if (!done) return;
    // No write callback exists: `done` once every byte up to this message has left `bufferedAmount` [ours].
    this.#pending.push([this.#sent, done]);
    this.#schedulePoll(0);
  }

  close(code: number, reason: string): void {
    try {
      this.#socket.close(code, reason);
    } catch {
      // The core has checked both (browsers accept them); a class that still refuses them closes without them,
      // since nothing may throw out of `task.close` (§0.5).
      this.#socket.close();
    }
  }

  abort(): void {
    if (this.#phase === 'aborted' || this.#phase === 'closed') return;
    this.#phase = 'aborted';
    // While CONNECTING this fails the handshake (the platform then fires `error` and `close`: only the close is
    // reported); when OPEN it starts the closing handshake without a code.
    this.#socket.close();
    this.#schedulePoll(0); // sends still waiting fail
  }

  #open(): void {
    if (this.#phase !== 'connecting') return;
    this.#phase = 'open';
    // Response headers are out of reach of page scripts: `{}` [ours, docs/browser.md].
    this.#handlers.onOpen({}, profileOf(this.#fetchStart, now()));
  }

  #message(data: unknown): void {
    if (this.#phase !== 'open') return;
    let size: number;
    if (typeof data === 'string') {
      size = data.length * 3 > this.#maxMessageSize ? utf8Length(data) : 0;
    } else if (isArrayBuffer(data)) {
      // Another realm's ArrayBuffer (a test runner's own realm) is copied, so `instanceof ArrayBuffer` holds (§0.7).
      if (!(data instanceof ArrayBuffer)) data = new Uint8Array(data).slice().buffer;
      size = (data as ArrayBuffer).byteLength;
    } else {
      return this.#handlers.onError('protocol', new TypeError('binary message is not an ArrayBuffer'));
    }
    // The platform has already buffered the whole message; the limit still holds as the boundary states it.
    if (size > this.#maxMessageSize)
      return this.#handlers.onError('protocol', new RangeError('Max payload size exceeded'));
    this.#handlers.onMessage(data as string | ArrayBuffer);
  }

  #error(): void {
    // WHATWG fires `error` only when the connection fails, and `close` (1006) always follows. Before open that is
    // every handshake failure (refused, TLS, an HTTP status, a bad upgrade) and the platform does not say which: it
    // counts as `transport`, WeChat's code:2 [ours]. After open, the peer broke the protocol.
    const open = this.#phase === 'open';
    if (open || this.#phase === 'connecting') {
      this.#handlers.onError(
        open ? 'protocol' : 'transport',
        new Error(`WebSocket ${open ? 'connection' : 'handshake'} failed (no detail given)`),
      );
    }
  }

  #closed(code: number, reason: string): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#flush(); // sends whose bytes left before the close succeed, the others fail, all before onClose
    // After `abort` the core no longer listens, but the boundary still reports the close once, last.
    this.#handlers.onClose(code, reason);
  }

  #schedulePoll(delay: number): void {
    if (this.#poll !== undefined) return;
    this.#poll = hostTimers.setTimeout(() => {
      this.#poll = undefined;
      this.#flush();
    }, delay);
  }

  /** Calls `done` for every send whose bytes have left; fails the rest once the socket is gone. */
  #flush(): void {
    const pending = this.#pending;
    const left = this.#sent - this.#socket.bufferedAmount;
    const before = pending.length;
    while (pending.length > 0 && pending[0]![0] <= left) pending.shift()![1]();
    if (pending.length === 0) return;
    if (this.#phase === 'aborted' || this.#phase === 'closed') {
      const error = new Error('WebSocket closed before the message was sent');
      for (const [, done] of pending.splice(0)) done(error);
      return;
    }
    // Poll only while sends wait: at once after progress, backing off to MAX_POLL_DELAY while the peer is slow.
    this.#pollDelay = pending.length < before ? 0 : Math.min(MAX_POLL_DELAY, this.#pollDelay * 2 || 1);
    this.#schedulePoll(this.#pollDelay);
  }
}

/**
 * The profile a native socket can measure: when the attempt began and when it opened. The phases in between are
 * invisible to scripts, so the lookup and connect instants equal `fetchStart` (as WeChat reports them when there is
 * no DNS lookup), `rtt` is 0, and the whole attempt counts as `handshakeCost` [ours, docs/browser.md].
 */
function profileOf(fetchStart: number, openedAt: number): SocketProfile {
  const cost = openedAt - fetchStart;
  return {
    fetchStart,
    domainLookUpStart: fetchStart,
    domainLookUpEnd: fetchStart,
    connectStart: fetchStart,
    connectEnd: fetchStart,
    rtt: 0,
    handshakeCost: cost,
    cost,
  };
}
