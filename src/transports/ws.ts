/**
 * The Node transport, over `ws`. It only moves bytes and reports facts (see `../transport.ts`); every WeChat rule
 * lives in the core.
 */
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { hostNow } from '../node-host.js';
import { firstUnknownKey, unknownOption } from '../option-keys.js';
import type { NetworkLink, Transport, TransportConnection, TransportHandlers, TransportRequest } from '../transport.js';
import { connectionUrl } from './connection-url.js';
import { failureAfterOpen } from '../errmsg-after-open.js';
import { ShapedSocket } from './link-shaper.js';
import { Timing, headersOf, hostsLookup, secureContextFor } from './ws-handshake.js';

/** Options of the `ws` transport. */
export interface WsTransportOptions {
  /**
   * Host names resolved to fixed addresses, like `/etc/hosts`: `{'chat.example.test': '127.0.0.1'}`. Lets a local
   * test server answer for a real-looking domain (the domain check refuses IPs and `localhost`), with TLS still
   * verified against that name.
   */
  hosts?: Readonly<Record<string, string>>;
}

/** Creates the `ws` transport. `wsTransport()` is the default on Node. */
export function wsTransport(options: WsTransportOptions = {}): Transport {
  const unknown = firstUnknownKey(options, ['hosts']);
  if (unknown !== undefined) throw new TypeError(`wsTransport: ${unknownOption(unknown, ['hosts'])}`);
  const hosts = new Map(Object.entries(options.hosts ?? {}).map(([name, address]) => [name.toLowerCase(), address]));
  const lookup = hosts.size === 0 ? undefined : hostsLookup(hosts);
  return (request, handlers) => new WsConnection(request, handlers, lookup);
}

/** The default `ws` transport. */
export const defaultWsTransport: Transport = wsTransport();

const MAX_PENDING_PONGS = 4096;

/** Milliseconds since the epoch, as WeChat's `profile` timestamps are: by the real clock, as WeChat's native layer. */
const now = hostNow;

/** What one handshake needs and learns; dropped at open, so that an open connection holds no more than it must. */
interface Handshake {
  readonly timing: Timing;
  readonly tcpNoDelay: boolean;
  /** Whether compression was asked for: without it, no extension can be negotiated. */
  readonly perMessageDeflate: boolean;
  socket?: Socket;
  /** wss: TCP is connected, so a failure before the TLS handshake ends may be a TLS failure. */
  tcpConnected?: boolean;
  /** The emulated link the connection goes through, if any (§8.3): its socket is then a `ShapedSocket`. */
  readonly link: NetworkLink | undefined;
  /** An HTTP response arrived: a failure from now on is a bad upgrade, not a transport error. */
  responded?: boolean;
  header?: Record<string, string>;
}

/**
 * `ws` reports everything through its `emit`, and a connection has one listener per event, always the same: so the
 * subclass's `emit` calls the connection's handlers itself, and no listener is ever added. Registering them (five `on`
 * calls per connection and two removals at open, each through Node's argument checks) took about 60 of the 1,560
 * calls an open and close made into Node (docs/benchmarks.md, "A fifth pass"). A `ws` socket has a field for its
 * connection, the options carry the connection to `createConnection`, and the TCP socket gets the same field (a
 * property, where a weak map would cost a table entry and slow every collection).
 */
const kConnection = Symbol('wxsocket.connection');

class WxWebSocket extends WebSocket {
  // Set by the connection right after construction: declared only, so that no field is defined first as `undefined`.
  declare [kConnection]: WsConnection;

  // Two arguments at most (`ws` passes no more), named rather than collected, so that no array is made per message.
  override emit(event: string | symbol, first?: unknown, second?: unknown): boolean {
    const connection = this[kConnection];
    switch (event) {
      case 'message':
        onMessage(connection, first as Buffer | ArrayBuffer, second as boolean);
        return true;
      case 'upgrade':
        onUpgrade(connection, first as IncomingMessage);
        return true;
      case 'unexpected-response':
        onUnexpectedResponse(this, connection, second as IncomingMessage);
        return true;
      case 'open':
        onOpen(this, connection);
        return true;
      case 'error':
        onError(connection, first as Error);
        return true;
      case 'close':
        onClose(connection, first as number, second as Buffer);
        return true;
      default:
        // 'ping' and 'pong' (`ws` answers pings itself) and 'redirect' (never followed): nobody listens.
        return false;
    }
  }
}

type WithConnection<T> = T & { [kConnection]?: WsConnection };

class WsConnection implements TransportConnection {
  readonly #ws: WebSocket;
  readonly handlers: TransportHandlers;
  /** Present until open. */
  handshake: Handshake | undefined;
  /** Whether `send` must copy binary data first: set at open, see `send`. */
  copiesBinary = false;
  /**
   * After open, the TCP socket, whose state says how the connection ended when `ws` reports the close (`onClose`);
   * or `'reported'` once a failure that ends the connection was reported (a protocol error, an unexpected response to
   * the handshake): an 'error' from `ws` after that is the same failure.
   */
  ending: Socket | 'reported' | undefined;

  constructor(
    request: TransportRequest,
    handlers: TransportHandlers,
    lookup: ReturnType<typeof hostsLookup> | undefined,
  ) {
    this.handlers = handlers;
    const secure = /^wss:/i.test(request.url);
    this.handshake = {
      timing: new Timing(now()),
      tcpNoDelay: request.tcpNoDelay,
      perMessageDeflate: request.perMessageDeflate,
      link: request.link,
    };
    const url = connectionUrl(request.url);
    const ws = (this.#ws = new WxWebSocket(
      url,
      request.protocols as string[],
      {
        headers: request.headers,
        perMessageDeflate: request.perMessageDeflate,
        maxPayload: request.maxMessageSize,
        // `ws` drops a connection with more than 60 automatic pongs unsent, as a flood defence; a phone answers every
        // ping. We allow 4096 (at most 125 bytes each: 512 KiB) before treating it as an attack [ours].
        maxPendingAutoPongs: MAX_PENDING_PONGS,
        // `ws` keeps its options as long as the connection: TLS settings only where there is TLS. Redirects are not
        // followed (`ws`'s default), so a listed domain cannot send the connection elsewhere.
        ...(secure && { rejectUnauthorized: true, minVersion: 'TLSv1.2', secureContext: secureContextFor(request.ca) }),
        ...(lookup && { lookup }),
        createConnection: (secure ? connectTls : connectTcp) as typeof netConnect,
        // `ws` and `http` pass their options on to `createConnection`, symbol keys included.
        [kConnection]: this,
      } as WebSocket.ClientOptions,
    ));
    ws[kConnection] = this;
    ws.binaryType = 'arraybuffer';
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /**
   * Sends the data as it is now: a caller may reuse its buffer as soon as `send` returns (WHATWG `send()` and
   * WeChat's bridge both take a snapshot). Without an extension `ws` masks a binary message into a new buffer before
   * `send` returns (its `Sender.frame` "merge" path: the client always masks, and a view of an ArrayBuffer counts as
   * read-only), so no copy is needed. With permessage-deflate it compresses later, and queues every message behind
   * the one being compressed, reading the caller's bytes then: those are copied first. Strings are immutable.
   * One case escapes the proof: a random mask of four zero bytes (odds 2^-32 per message), for which `ws` skips
   * masking and writes the caller's buffer itself; it is still handed to the socket at once, so only a socket that
   * cannot take it all at that moment would read it later. Ruling that out would take a `generateMask` of our own,
   * which makes `ws` allocate a mask buffer per connection (about 250 bytes each, measured).
   */
  send(data: string | ArrayBuffer, done?: (error?: Error) => void): void {
    this.#ws.send(this.copiesBinary && typeof data !== 'string' ? copyToArrayBuffer(data) : data, done);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  abort(): void {
    this.#ws.terminate();
  }
}

function onUpgrade(connection: WsConnection, response: IncomingMessage): void {
  const handshake = connection.handshake!;
  handshake.responded = true;
  handshake.timing.upgraded = now();
  handshake.header = headersOf(response.rawHeaders);
}

function onUnexpectedResponse(ws: WebSocket, connection: WsConnection, response: IncomingMessage): void {
  connection.handshake!.responded = true;
  // Reported here rather than through the 'error' that `terminate` emits, which `ws` defers with `process.nextTick`:
  // jest's default fake timers fake the nextTick `ws` sees, and the failure would never come. The core then aborts
  // the connection. The 'error' that comes later is this same failure, and a transport reports one error at most.
  connection.ending = 'reported';
  connection.handlers.onError('handshake', new Error(`Unexpected server response: ${response.statusCode}`));
  ws.terminate();
}

function onOpen(ws: WebSocket, connection: WsConnection): void {
  const { socket, perMessageDeflate, header = {}, timing } = connection.handshake!;
  connection.handshake = undefined;
  // The only extension `ws` can negotiate is permessage-deflate, and only when asked for (an unrequested one fails
  // the handshake): `extensions`, which builds a string, is read only then.
  connection.copiesBinary = perMessageDeflate && ws.extensions !== '';
  if (socket) {
    // After open `ws` destroys the socket on an error (a reset, say) without telling anyone, and treats an end of
    // stream like any other end: the socket keeps both facts (`errored`, `readableEnded`), read when the close comes.
    connection.ending = socket;
  }
  connection.handlers.onOpen(header, timing.profile(now()));
}

function onMessage(connection: WsConnection, data: Buffer | ArrayBuffer, isBinary: boolean): void {
  const { handlers } = connection;
  if (!isBinary) return handlers.onMessage(data.toString());
  // Binary arrives as an exact-length ArrayBuffer (binaryType). Under a test runner's own realm (jest), copy it
  // into that realm's ArrayBuffer so `instanceof ArrayBuffer` holds (contract §0.7).
  handlers.onMessage(data instanceof ArrayBuffer ? data : copyToArrayBuffer(data as unknown as ArrayBufferLike));
}

function onError(connection: WsConnection, error: Error): void {
  const { handshake, handlers } = connection;
  if (connection.ending === 'reported') return; // reported already, in another form
  if (handshake) return handlers.onError(handshakeFailureKind(handshake, error), error);
  // After open `ws` reports only protocol errors (its `WS_ERR_*` codes), and then destroys the socket.
  connection.ending = 'reported';
  handlers.onError('protocol', failure(error));
}

/** A failure after open, in the project's words (chosen by the error's code), with `ws`'s error as its cause. */
function failure(error: Error & { code?: unknown }): Error {
  return new Error(failureAfterOpen(error.code), { cause: error });
}

/**
 * The close, and whether it was a failure, decided now that the connection is over, as undici does: only a
 * connection that ended without a close frame (code 1006: `ws` refuses 1006 on the wire) can have failed. Then a
 * socket error (a reset) is a failure, and an end of stream is not (contract §9.3 tells it apart on ios). Whichever
 * came first counts: a stream that has errored emits no `'end'`, and one that ended keeps `readableEnded` through a
 * later error. The TCP socket's own state is read, not that of a weak link's socket (§8.3) in front of it, which
 * learns of the end later.
 */
function onClose(connection: WsConnection, code: number, reason: Buffer): void {
  const { ending, handlers } = connection;
  connection.ending = undefined;
  if (code !== 1006 || connection.handshake) return handlers.onClose(code, reason.toString());
  const socket = ending === 'reported' ? undefined : ending;
  const ended = socket?.readableEnded === true;
  const error = ended ? null : socket?.errored;
  if (error) handlers.onError('transport', failure(error));
  handlers.onClose(code, '', ended);
}

/**
 * What kind of handshake failure `error` is (contract §9.2): a response that is not a valid upgrade; else a DNS
 * failure (Node's lookup errors carry `syscall: 'getaddrinfo'`, a custom `lookup` may only set an `EAI_*`/`ENOTFOUND`
 * code); else a socket error (refused, reset: it has a `syscall`); else, on wss once TCP is connected, TLS (a
 * certificate or version refused).
 */
function handshakeFailureKind(handshake: Handshake, error: Error & { code?: unknown; syscall?: unknown }) {
  if (handshake.responded) return 'handshake';
  const { code, syscall } = error;
  if (syscall === 'getaddrinfo' || code === 'ENOTFOUND' || (typeof code === 'string' && code.startsWith('EAI_')))
    return 'dns';
  if (!handshake.tcpConnected || handshake.timing.connected !== undefined) return 'transport';
  // OpenSSL's alerts (a version refused) reach Node as `EPROTO` on a write; a reset (`ECONNRESET`, `socket hang up`)
  // during the TLS handshake is a transport failure, as everywhere.
  const errno = syscall !== undefined || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
  if (code === 'EPROTO' || !errno) return 'tls';
  return 'transport';
}

function copyToArrayBuffer(source: ArrayBufferLike): ArrayBuffer {
  const copy = new ArrayBuffer(source.byteLength);
  new Uint8Array(copy).set(new Uint8Array(source));
  return copy;
}

/** What `ws` passes to `createConnection`: its own options object for this connection, made per connection. */
type ConnectOptions = {
  host: string;
  path?: string | undefined;
  socketPath?: string;
  servername?: string;
  [kConnection]?: WsConnection;
};

/**
 * Open the TCP (and TLS) socket exactly as `ws` does (its `netConnect`/`tlsConnect`, which set these fields on the
 * same object: the request's `path` must not reach `net.connect`, where it would name a Unix socket), noting when
 * DNS, TCP and TLS finish.
 */
function connectTcp(options: ConnectOptions): Socket {
  options.path = options.socketPath;
  return track(options, netConnect(options as NetConnectOpts), 'connect');
}

function connectTls(options: ConnectOptions): Socket {
  options.path = undefined;
  options.servername = isIP(options.host) ? '' : options.host;
  return track(options, tlsConnect(options as ConnectionOptions), 'secureConnect');
}

function track(options: ConnectOptions, socket: Socket, connected: 'connect' | 'secureConnect'): Socket {
  const connection = options[kConnection]!;
  const handshake = connection.handshake!;
  handshake.timing.socketStart = now();
  handshake.socket = socket;
  (socket as WithConnection<Socket>)[kConnection] = connection;
  // Plain listeners, left in place at open: each of these events comes once per socket, and finds no handshake after
  // open, so removing them would only cost calls into Node (`once` would keep a wrapper per socket). An IP address is
  // not looked up, and emits no 'lookup'.
  socket.on(connected, onConnected);
  if (!isIP(options.host)) socket.on('lookup', onLookup);
  if (connected === 'secureConnect') socket.on('connect', onTcpConnected);
  // `ws` turns Nagle's algorithm off (TCP_NODELAY) on every socket as it opens; WeChat's default keeps it on
  // (`tcpNoDelay: false`, contract §1), as a new socket has it. That call is made a no-op on this socket, rather than
  // undone by a second system call once open.
  if (!handshake.tcpNoDelay) socket.setNoDelay = keepNagle;
  // A weak link (§8.3) goes between the socket and `ws`; without one, nothing does.
  return handshake.link ? (new ShapedSocket(socket, handshake.link) as unknown as Socket) : socket;
}

function keepNagle(this: Socket): Socket {
  return this;
}

function onTcpConnected(this: WithConnection<Socket>): void {
  const handshake = this[kConnection]?.handshake;
  if (handshake) handshake.tcpConnected = true;
}

function onConnected(this: WithConnection<Socket>): void {
  const timing = this[kConnection]?.handshake?.timing;
  if (timing) timing.connected ??= now();
}

function onLookup(this: WithConnection<Socket>): void {
  const timing = this[kConnection]?.handshake?.timing;
  if (timing) timing.lookedUp ??= now();
}
