/**
 * The Node transport: the opening handshake over Node's `net` and `tls` (http-upgrade.ts), then `ws` for the frames.
 * It only moves bytes and reports facts (see `../transport.ts`); every WeChat rule lives in the core.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { hostNow } from '../node-host.js';
import { firstUnknownKey, unknownOption } from '../option-keys.js';
import type { Transport, TransportConnection, TransportHandlers, TransportRequest } from '../transport.js';
import { connectionUrl } from './connection-url.js';
import { failureAfterOpen } from '../errmsg-after-open.js';
import { ResponseReader, Upgrade, type Agreement, type ReadHead } from './http-upgrade.js';
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

/**
 * What `ws` takes for a socket made without a URL, whose handshake was done elsewhere (as its server's are), set as its
 * own client sets them: automatic pongs, the close timeout (30 s, `ws`'s), and, for the socket, its limits.
 * `ws` drops a connection with more than 60 automatic pongs unsent, as a flood defence; a phone answers every ping.
 * We allow 4096 (at most 125 bytes each: 512 KiB) before treating it as an attack [ours].
 */
const WS_OPTIONS = { autoPong: true, maxPendingAutoPongs: 4096, closeTimeout: 30_000 };
const socketOptions = (maxPayload: number) => ({
  allowSynchronousEvents: true,
  maxBufferedChunks: 256 * 1024,
  maxFragments: 16 * 1024,
  maxPayload,
  skipUTF8Validation: false,
});

/**
 * The parts of `ws` the transport uses beyond its typed API, all of which its own client uses the same way
 * (`initAsClient` in ws/lib/websocket.js): `setSocket`, and the fields it sets before calling it.
 */
interface WsInternals {
  _isServer: boolean;
  _protocol: string;
  _extensions: Record<string, unknown>;
  setSocket(socket: Duplex, head: Buffer, options: ReturnType<typeof socketOptions>): void;
}

/** Milliseconds since the epoch, as WeChat's `profile` timestamps are: by the real clock, as WeChat's native layer. */
const now = hostNow;

/** What one handshake needs and learns; dropped at open, so that an open connection holds no more than it must. */
interface Handshake {
  readonly timing: Timing;
  readonly upgrade: Upgrade;
  readonly response: ResponseReader;
  readonly maxMessageSize: number;
  /** The TCP (or TLS) socket. */
  readonly socket: Socket;
  /** What the handshake and then `ws` read and write: the socket, or a weak link's (§8.3) in front of it. */
  readonly stream: Duplex;
  /** wss: TCP is connected, so a failure before the TLS handshake ends may be a TLS failure. */
  tcpConnected?: boolean;
  /** The response headers, from the response to open. */
  header?: Record<string, string>;
}

/**
 * `ws` reports everything through its `emit`, and a connection has one listener per event, always the same: so the
 * subclass's `emit` calls the connection's handlers itself, and no listener is ever added. Registering them (five `on`
 * calls per connection and two removals at open, each through Node's argument checks) took about 60 of the 1,560
 * calls an open and close made into Node (docs/benchmarks.md, "A fifth pass"). A `ws` socket has a field for its
 * connection, and the TCP socket (and a weak link's, if any) gets the same field (a property, where a weak map would
 * cost a table entry and slow every collection).
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
      case 'open':
        onOpen(connection);
        return true;
      case 'error':
        onError(connection, first as Error);
        return true;
      case 'close':
        onClose(connection, first as number, second as Buffer);
        return true;
      default:
        // 'ping' and 'pong' (`ws` answers pings itself): nobody listens.
        return false;
    }
  }
}

type WithConnection<T> = T & { [kConnection]?: WsConnection };

class WsConnection implements TransportConnection {
  readonly handlers: TransportHandlers;
  /** Present until open, or until the connection closes without opening. */
  handshake: Handshake | undefined;
  /** From open. */
  #ws: WxWebSocket | undefined;
  /** Whether `send` must copy binary data first: set at open, see `send`. */
  copiesBinary = false;
  /**
   * After open, the TCP socket, whose state says how the connection ended when `ws` reports the close (`onClose`);
   * or `'reported'` once a failure that ends the connection was reported (a protocol error, a handshake that failed),
   * or the connection was aborted before open: a later error is the same failure, or nobody's concern.
   */
  ending: Socket | 'reported' | undefined;

  constructor(
    request: TransportRequest,
    handlers: TransportHandlers,
    lookup: ReturnType<typeof hostsLookup> | undefined,
  ) {
    this.handlers = handlers;
    const timing = new Timing(now());
    const upgrade = new Upgrade(connectionUrl(request.url), request);
    const { host, port } = upgrade;
    // TLS settings only where there is TLS; a name's certificate is checked against it (SNI), an address's is not.
    const socket = upgrade.secure
      ? tlsConnect({
          host,
          port,
          lookup,
          servername: isIP(host) ? '' : host,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
          secureContext: secureContextFor(request.ca),
        })
      : netConnect({ host, port, lookup });
    timing.socketStart = now();
    const stream = track(socket, this, upgrade, request);
    this.handshake = {
      timing,
      upgrade,
      response: new ResponseReader(),
      maxMessageSize: request.maxMessageSize,
      socket,
      stream,
    };
    // Headers are Latin-1, as Node's `http` writes them.
    stream.write(upgrade.request, 'latin1');
  }

  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
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
    this.#ws!.send(this.copiesBinary && typeof data !== 'string' ? copyToArrayBuffer(data) : data, done);
  }

  close(code: number, reason: string): void {
    if (this.#ws) this.#ws.close(code, reason);
    else this.abort();
  }

  abort(): void {
    if (this.#ws) return this.#ws.terminate();
    // Before open: the socket goes, and with it the handshake; only the close is reported.
    this.ending = 'reported';
    this.handshake?.stream.destroy();
  }

  /** The handshake failed: reported now, then the socket goes, and its close is reported (`onHandshakeClose`). */
  failHandshake(kind: 'transport' | 'handshake', error: Error): void {
    this.ending = 'reported';
    this.handlers.onError(kind, error);
    this.abort();
  }

  /** A valid upgrade: the stream goes to `ws`, which opens (`onOpen`) as it takes it. */
  upgraded(stream: Duplex, head: ReadHead, agreed: Agreement): void {
    const handshake = this.handshake!;
    handshake.header = headersOf(head.rawHeaders);
    const ws = new WxWebSocket(null as unknown as string, undefined, WS_OPTIONS) as WxWebSocket & WsInternals;
    ws[kConnection] = this;
    // A client's socket: it masks what it sends and refuses masked frames.
    ws._isServer = false;
    ws._protocol = agreed.protocol;
    if (agreed.deflate) {
      ws._extensions['permessage-deflate'] = agreed.deflate;
      this.copiesBinary = true;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.setSocket(stream, head.rest, socketOptions(handshake.maxMessageSize));
  }
}

function onOpen(connection: WsConnection): void {
  const { socket, header = {}, timing } = connection.handshake!;
  connection.handshake = undefined;
  // After open `ws` destroys the socket on an error (a reset, say) without telling anyone, and treats an end of
  // stream like any other end: the socket keeps both facts (`errored`, `readableEnded`), read when the close comes.
  connection.ending = socket;
  connection.handlers.onOpen(header, timing.profile(now()));
}

function onMessage(connection: WsConnection, data: Buffer | ArrayBuffer, isBinary: boolean): void {
  const { handlers } = connection;
  if (!isBinary) return handlers.onMessage(data.toString());
  // Binary arrives as an exact-length ArrayBuffer (binaryType). Under a test runner's own realm (jest), copy it
  // into that realm's ArrayBuffer so `instanceof ArrayBuffer` holds (contract §0.7).
  handlers.onMessage(data instanceof ArrayBuffer ? data : copyToArrayBuffer(data as unknown as ArrayBufferLike));
}

/** After open `ws` reports only protocol errors (its `WS_ERR_*` codes), and then destroys the socket. */
function onError(connection: WsConnection, error: Error): void {
  if (connection.ending === 'reported') return; // reported already
  connection.ending = 'reported';
  connection.handlers.onError('protocol', failure(error));
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
  if (code !== 1006) return handlers.onClose(code, reason.toString());
  const socket = ending === 'reported' ? undefined : ending;
  const ended = socket?.readableEnded === true;
  const error = ended ? null : socket?.errored;
  if (error) handlers.onError('transport', failure(error));
  handlers.onClose(code, '', ended);
}

/**
 * What kind of failure a socket error before the response is (contract §9.2): a DNS failure (Node's lookup errors
 * carry `syscall: 'getaddrinfo'`, a custom `lookup` may only set an `EAI_*`/`ENOTFOUND` code); else a socket error
 * (refused, reset: it has a `syscall`); else, on wss once TCP is connected, TLS (a certificate or version refused).
 */
function handshakeFailureKind(handshake: Handshake, error: Error & { code?: unknown; syscall?: unknown }) {
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

/**
 * Notes when DNS, TCP and TLS finish, and listens to the handshake; returns what the handshake and `ws` read and
 * write (a weak link's socket in front of the TCP one, if there is a link).
 */
function track(socket: Socket, connection: WsConnection, upgrade: Upgrade, request: TransportRequest): Duplex {
  const { secure } = upgrade;
  (socket as WithConnection<Socket>)[kConnection] = connection;
  // Plain listeners, left in place at open: each of these events comes once per socket, and finds no handshake after
  // open, so removing them would only cost calls into Node (`once` would keep a wrapper per socket). An IP address is
  // not looked up, and emits no 'lookup'.
  socket.on(secure ? 'secureConnect' : 'connect', onConnected);
  if (!isIP(upgrade.host)) socket.on('lookup', onLookup);
  if (secure) socket.on('connect', onTcpConnected);
  // `ws` turns Nagle's algorithm off (TCP_NODELAY) on every socket as it opens; WeChat's default keeps it on
  // (`tcpNoDelay: false`, contract §1), as a new socket has it. That call is made a no-op on this socket, rather than
  // undone by a second system call once open.
  if (!request.tcpNoDelay) socket.setNoDelay = keepNagle;
  // A weak link (§8.3) goes between the socket and the rest; without one, nothing does.
  const stream: WithConnection<Duplex> = request.link ? new ShapedSocket(socket, request.link) : socket;
  stream[kConnection] = connection;
  stream.on('data', onHandshakeData);
  stream.on('error', onHandshakeError);
  stream.on('close', onHandshakeClose);
  return stream;
}

function onHandshakeData(this: WithConnection<Duplex>, chunk: Buffer): void {
  const connection = this[kConnection]!;
  const handshake = connection.handshake;
  if (!handshake || connection.ending === 'reported') return;
  let head: ReadHead | undefined;
  try {
    head = handshake.response.read(chunk);
  } catch (error) {
    // Not an HTTP response: no response at all, for the kind of failure (contract §9.2).
    return connection.failHandshake('transport', error as Error);
  }
  if (!head) return; // more to come
  handshake.timing.upgraded = now();
  const agreed = handshake.upgrade.check(head);
  if (typeof agreed === 'string') return connection.failHandshake('handshake', new Error(agreed));
  this.removeListener('data', onHandshakeData);
  connection.upgraded(this, head, agreed);
}

function onHandshakeError(this: WithConnection<Duplex>, error: Error): void {
  const connection = this[kConnection]!;
  const { handshake } = connection;
  if (!handshake || connection.ending === 'reported') return; // open (`ws` reports it), or reported already
  connection.ending = 'reported';
  connection.handlers.onError(handshakeFailureKind(handshake, error), error);
}

/** The socket closed before open: a close without a response is a hang-up, as Node's `http` reports it. */
function onHandshakeClose(this: WithConnection<Duplex>): void {
  const connection = this[kConnection]!;
  if (!connection.handshake) return; // open: `ws` reports the close
  connection.handshake = undefined;
  if (connection.ending !== 'reported')
    connection.handlers.onError('transport', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  connection.handlers.onClose(1006, '');
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
