/**
 * The test server: a real ws/wss server on 127.0.0.1 (port 0 by default), that owns every TCP socket it accepts, so it
 * can behave normally (through `ws`) or break the connection at any level (TCP, TLS, HTTP, frames).
 *
 * Layering: a `net.Server` accepts TCP; for wss each socket is wrapped in a `tls.TLSSocket` with a certificate chosen
 * per connection (so certificate faults need no second server); the stream is handed to a `node:http` server that
 * only parses requests; its 'upgrade' event either answers with a fault or passes to `ws` (`noServer`).
 */
import {
  createServer as createHttpServer,
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  DEFAULT_HOSTNAMES,
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
  type TestCertificates,
} from './certificates.js';
import { TestClient, type HandshakeRequest } from './client.js';
import {
  answerUpgradeWithFault,
  faultProblem,
  isCertificateFault,
  isHandshakeFault,
  type Fault,
  type FaultPlan,
} from './faults.js';
import { firstUnknownKey, unknownOption } from '../option-keys.js';
import { hostTimers, type TimerHandle } from '../host-timers.js';
import { hostNow } from '../node-host.js';
import { WaitQueue, type WaitOptions } from './waiting.js';
import { wxOptionsFor, type TestServerWxOptions } from './wx-options.js';

/** Options of {@link createTestServer}. */
export interface TestServerOptions {
  /**
   * Serve `wss` with a certificate from a CA generated at start (or kept from the last wss server on `port`). Default:
   * false (`ws`).
   */
  secure?: boolean;
  /**
   * The TCP port on 127.0.0.1. Default 0: the system chooses a free one. Give a closed server's `port` to start a new
   * one at the same URL (a server restart, as clients see it); a wss server keeps the CA and certificate of the last
   * one on that port, so clients that trusted it trust this one.
   */
  port?: number;
  /**
   * A host name to reach the server by (e.g. one listed in `domains`): used in `url`, added to the certificate, and
   * mapped to 127.0.0.1 by the transport in `wxOptions`. Default: none (`127.0.0.1` for ws, `localhost` for wss).
   */
  hostname?: string;
  /** Headers added to every successful 101 response (what `onOpen` reports as `header`). */
  headers?: Readonly<Record<string, string>>;
  /**
   * Chooses the subprotocol among those the client offered: return one, or `false`/`undefined` for none. Called only
   * when the client offered some. Default: the first offered.
   */
  selectProtocol?: (offered: readonly string[], request: HandshakeRequest) => string | false | undefined;
  /** Accept permessage-deflate when the client offers it. Default: false. */
  perMessageDeflate?: boolean;
  /**
   * Largest message accepted from a client, in bytes; a larger one closes the connection with 1009. Default: 100 MiB.
   */
  maxPayload?: number;
  /** Called with each connection as it opens, e.g. to answer messages ({@link echo}). Errors are not caught. */
  handler?: (client: TestClient) => void;
  /**
   * A fault for every connection, or a plan choosing one per TCP connection. A connection fault is injected right
   * after each open. Change it later with `server.setFault()`.
   */
  fault?: Fault | FaultPlan;
}

/** A handler answering every message with the same data, text as text and binary as binary. */
export function echo(client: TestClient): void {
  client.onMessage((message) => {
    client.send(message.data, { binary: message.binary }).catch(() => undefined); // the client may be gone
  });
}

interface ConnectionRecord {
  readonly number: number;
  readonly tcp: Socket;
  readonly fault: Fault | undefined;
}

/**
 * A running test server. Make one with {@link createTestServer}; always `close()` it.
 */
export class TestServer {
  /** The URL to connect to, e.g. `ws://127.0.0.1:54321` or `wss://localhost:54321`. */
  readonly url: string;
  /** The TCP port: the `port` option, or the one the system chose. */
  readonly port: number;
  /** Whether this is a wss server. */
  readonly secure: boolean;
  /** Spread into `createWx` options: trust in the test CA, and a transport resolving `hostname` to 127.0.0.1. */
  readonly wxOptions: TestServerWxOptions;
  /** The generated CA, server certificate and key (wss only). */
  readonly certificates: TestCertificates | undefined;

  readonly #options: TestServerOptions;
  readonly #net: NetServer;
  readonly #http = createHttpServer();
  readonly #wss: WebSocketServer;
  readonly #ca: CertificateAuthority | undefined;
  readonly #contexts = new Map<string, SecureContext>();
  readonly #connections = new WeakMap<Duplex, ConnectionRecord>();
  readonly #requests = new WeakMap<IncomingMessage, HandshakeRequest>();
  readonly #streams = new Set<Duplex>();
  readonly #timers = new Set<TimerHandle>();
  readonly #clients = new Set<TestClient>();
  readonly #handshakes: HandshakeRequest[] = [];
  readonly #connectionQueue = new WaitQueue<TestClient>();
  readonly #handshakeQueue = new WaitQueue<HandshakeRequest>();
  readonly #streamsGone: Array<() => void> = [];
  #fault: Fault | FaultPlan | undefined;
  #connectionCount = 0;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link createTestServer}. */
  constructor(
    net: NetServer,
    options: TestServerOptions,
    ca: CertificateAuthority | undefined,
    certificates: TestCertificates | undefined,
  ) {
    this.#net = net;
    this.#options = options;
    this.#ca = ca;
    this.certificates = certificates;
    this.secure = options.secure === true;
    this.port = (net.address() as AddressInfo).port;
    const host = options.hostname ?? (this.secure ? 'localhost' : '127.0.0.1');
    this.url = `${this.secure ? 'wss' : 'ws'}://${host}:${this.port}`;
    this.wxOptions = wxOptionsFor(certificates?.caPem, options.hostname);
    this.setFault(options.fault);
    if (certificates !== undefined) this.#contexts.set('normal', context(certificates));
    this.#wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: options.perMessageDeflate === true,
      maxPayload: options.maxPayload ?? 100 * 1024 * 1024,
      handleProtocols: (offered, request) => this.#selectProtocol([...offered], request),
    });
    this.#wss.on('headers', (headers) => {
      for (const [name, value] of Object.entries(options.headers ?? {})) headers.push(`${name}: ${value}`);
    });
    net.on('connection', (tcp) => this.#accept(tcp));
    this.#http.on('upgrade', (request: IncomingMessage, stream: Duplex, head: Buffer) =>
      this.#upgrade(request, stream, head),
    );
    this.#http.on('request', (_request, response) => {
      response.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Type': 'text/plain' });
      response.end('This is a WebSocket test server.\n');
    });
    // A broken request or a TLS failure (the client rejected our certificate): nothing to answer.
    this.#http.on('clientError', (_error, stream: Duplex) => stream.destroy());
  }

  /** TCP connections accepted so far, including refused and failed ones. */
  get connectionCount(): number {
    return this.#connectionCount;
  }

  /** Opening handshake requests (HTTP upgrades) received so far, whatever the answer. */
  get handshakeCount(): number {
    return this.#handshakes.length;
  }

  /** Every handshake request received so far, in order, with its headers. */
  get handshakes(): readonly HandshakeRequest[] {
    return [...this.#handshakes];
  }

  /** The connections open now. */
  get clients(): readonly TestClient[] {
    return [...this.#clients];
  }

  /** The fault (or plan) applied to new TCP connections. */
  get fault(): Fault | FaultPlan | undefined {
    return this.#fault;
  }

  /** Sets the fault (or plan) for connections accepted from now on; `undefined` behaves normally again. */
  setFault(fault: Fault | FaultPlan | undefined): void {
    if (fault !== undefined && typeof fault !== 'function') this.#checkFault(fault, 'server.setFault:');
    this.#fault = fault;
  }

  /** Resolves with the oldest opened connection not yet returned (so one that opened earlier is not missed). */
  nextConnection(options?: WaitOptions): Promise<TestClient> {
    return this.#connectionQueue.next('a connection to open', options);
  }

  /** Resolves with the oldest handshake request not yet returned, whether or not it was answered. */
  nextHandshake(options?: WaitOptions): Promise<HandshakeRequest> {
    return this.#handshakeQueue.next('a handshake request', options);
  }

  /**
   * Stops listening and destroys every connection at once (clients see them drop without a close frame: close
   * clients first with `client.close()` for a clean end), cancels pending delays, and resolves once every socket
   * and the listening handle are released. Pending waits reject. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#net.close(() => resolve()));
    for (const timer of this.#timers) hostTimers.clearTimeout(timer);
    this.#timers.clear();
    const gone = new Promise<void>((resolve) => {
      if (this.#streams.size === 0) resolve();
      else this.#streamsGone.push(resolve);
    });
    for (const stream of this.#streams) stream.destroy();
    this.#wss.close();
    const reason = (): Error => new Error('The test server was closed');
    this.#connectionQueue.end(reason);
    this.#handshakeQueue.end(reason);
    await Promise.all([closed, gone]);
    // net.Server reports 'close' before libuv has released the listening handle: that happens in the loop's close
    // phase, which follows the check phase. The second setImmediate runs after one full close phase, so once this
    // resolves `process.getActiveResourcesInfo()` no longer lists the server.
    await new Promise((resolve) => hostTimers.setImmediate!(() => resolve(undefined)));
    await new Promise((resolve) => hostTimers.setImmediate!(() => resolve(undefined)));
  }

  #checkFault(fault: Fault, where: string): void {
    checkFault(fault, this.secure, where);
  }

  /**
   * The fault for a TCP connection. A plan that throws or returns an invalid fault is a mistake in the test: the
   * connection is reset and every wait of the server, pending or later, rejects with the error (no crash, no hang).
   */
  #faultFor(number: number): Fault | undefined | Error {
    try {
      const fault = typeof this.#fault === 'function' ? this.#fault({ number }) : this.#fault;
      if (fault !== undefined) this.#checkFault(fault, `fault plan (connection ${number}):`);
      return fault;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#connectionQueue.end(() => failure);
      this.#handshakeQueue.end(() => failure);
      return failure;
    }
  }

  #track(stream: Duplex): void {
    this.#streams.add(stream);
    stream.once('close', () => {
      this.#streams.delete(stream);
      if (this.#streams.size === 0) for (const resolve of this.#streamsGone.splice(0)) resolve();
    });
  }

  #accept(tcp: Socket): void {
    const number = ++this.#connectionCount;
    this.#track(tcp);
    // Errors (resets, TLS alerts, writes after the peer left) end the socket; 'close' does the bookkeeping.
    tcp.on('error', () => undefined);
    if (this.#closing !== undefined) {
      tcp.destroy();
      return;
    }
    const fault = this.#faultFor(number);
    if (fault instanceof Error || fault?.type === 'refuse') {
      tcp.resetAndDestroy();
      return;
    }
    let stream: Duplex = tcp;
    if (this.secure) {
      const tls = new TLSSocket(tcp, { isServer: true, secureContext: this.#contextFor(fault) });
      tls.on('error', () => undefined);
      this.#track(tls);
      stream = tls;
    }
    this.#connections.set(stream, { number, tcp, fault });
    this.#http.emit('connection', stream);
  }

  /** The TLS context for a connection: the normal certificate, or the one a certificate fault calls for. */
  #contextFor(fault: Fault | undefined): SecureContext {
    const ca = this.#ca as CertificateAuthority;
    const hostnames = [...DEFAULT_HOSTNAMES, ...(this.#options.hostname === undefined ? [] : [this.#options.hostname])];
    const key =
      fault !== undefined && isCertificateFault(fault)
        ? `${fault.type}:${'hostname' in fault ? (fault.hostname ?? '') : ''}`
        : 'normal';
    const cached = this.#contexts.get(key);
    if (cached !== undefined) return cached;
    const now = hostNow();
    let made: SecureContext;
    switch (fault?.type) {
      case 'expired-certificate':
        made = context(
          issueServerCertificate(ca, { hostnames, notBefore: new Date(now - 2 * DAY), notAfter: new Date(now - DAY) }),
        );
        break;
      case 'wrong-host-certificate':
        made = context(issueServerCertificate(ca, { hostnames: [fault.hostname ?? 'wrong-host.invalid'] }));
        break;
      case 'untrusted-certificate':
        made = context(
          issueServerCertificate(createCertificateAuthority({ commonName: 'untrusted test CA' }), { hostnames }),
        );
        break;
      default:
        made = context(issueServerCertificate(ca, { hostnames }));
    }
    this.#contexts.set(key, made);
    return made;
  }

  #upgrade(request: IncomingMessage, stream: Duplex, head: Buffer): void {
    const record = this.#connections.get(stream);
    const handshake = describeRequest(request, this.#handshakes.length + 1, record?.number ?? 0);
    this.#handshakes.push(handshake);
    this.#requests.set(request, handshake);
    this.#handshakeQueue.push(handshake);
    const fault = record?.fault;
    const key = request.headers['sec-websocket-key'] ?? '';
    if (fault !== undefined && isHandshakeFault(fault)) {
      if (fault.type === 'slow-upgrade-response') {
        const timer = hostTimers.setTimeout(() => {
          this.#timers.delete(timer);
          if (!stream.destroyed) this.#completeUpgrade(request, stream, head, handshake, undefined);
        }, fault.delay);
        this.#timers.add(timer);
        return;
      }
      if (answerUpgradeWithFault(stream, key, fault)) return;
    }
    this.#completeUpgrade(request, stream, head, handshake, fault);
  }

  #completeUpgrade(
    request: IncomingMessage,
    stream: Duplex,
    head: Buffer,
    handshake: HandshakeRequest,
    fault: Fault | undefined,
  ): void {
    this.#wss.handleUpgrade(request, stream, head, (ws: WebSocket) => {
      const tcp = this.#connections.get(stream)?.tcp ?? (stream as Socket);
      const client = new TestClient(ws, stream, tcp, handshake);
      this.#clients.add(client);
      ws.on('close', () => this.#clients.delete(client));
      this.#connectionQueue.push(client);
      this.#options.handler?.(client);
      if (fault !== undefined && !isHandshakeFault(fault)) void client.inject(fault);
    });
  }

  #selectProtocol(offered: string[], request: IncomingMessage): string | false {
    const select = this.#options.selectProtocol;
    if (select === undefined) return offered[0] ?? false;
    const handshake = this.#requests.get(request) ?? describeRequest(request, 0, 0);
    return select(offered, handshake) || false;
  }
}

const DAY = 24 * 3_600_000;

/** Every option of {@link createTestServer}, checked against the type. */
const OPTION_KEYS = Object.keys({
  secure: 1,
  port: 1,
  hostname: 1,
  headers: 1,
  selectProtocol: 1,
  perMessageDeflate: 1,
  maxPayload: 1,
  handler: 1,
  fault: 1,
} satisfies Record<keyof TestServerOptions, 1>);

/** Throws a TypeError for an invalid fault, or a certificate fault on a ws server; `where` starts the message. */
function checkFault(fault: unknown, secure: boolean, where: string): void {
  const problem = faultProblem(fault);
  if (problem !== undefined) throw new TypeError(`${where} ${problem}`);
  if (isCertificateFault(fault as Fault) && !secure) {
    throw new TypeError(
      `${where} the fault "${(fault as Fault).type}" needs a wss server: createTestServer({secure: true})`,
    );
  }
}

/**
 * Starts a test server on 127.0.0.1, port 0 unless `port` is given: `ws`, or `wss` with certificates generated now
 * (in memory), or kept from the last wss server on `port` (a restart).
 * @example
 * const server = await createTestServer({ secure: true, handler: echo });
 * const wx = createWx({ ...server.wxOptions });
 * // ... wx.connectSocket({ url: server.url }) ...
 * await server.close();
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // Checked before listening, so a bad option leaves nothing open.
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createTestServer: options must be an object');
  const unknown = firstUnknownKey(options, OPTION_KEYS);
  if (unknown !== undefined) throw new TypeError(`createTestServer: ${unknownOption(unknown, OPTION_KEYS)}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  }
  const { fault, port = 0 } = options;
  if (fault !== undefined && typeof fault !== 'function')
    checkFault(fault, options.secure === true, 'createTestServer:');
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new TypeError('createTestServer: port must be a whole number from 0 to 65535');
  const tls = options.secure === true ? certificatesFor(port, options.hostname) : undefined;
  const net = createNetServer();
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, '127.0.0.1', () => {
      net.off('error', reject);
      resolve();
    });
  });
  const server = new TestServer(net, options, tls?.ca, tls?.certificates);
  if (tls !== undefined) keptCertificates.set(server.port, { ...tls, hostname: options.hostname });
  return server;
}

interface KeptCertificates {
  readonly ca: CertificateAuthority;
  readonly certificates: TestCertificates;
  readonly hostname: string | undefined;
}

/**
 * The CA and certificate of the last wss server started on each port in this process. A server started on a given
 * port takes them over, so a restart (close, then start on the same port) is the same server to clients: a `wx` made
 * with the first one's `wxOptions` trusts the second, as it would a production server that came back. One entry per
 * port ever used, a few kilobytes each.
 */
const keptCertificates = new Map<number, KeptCertificates>();

/**
 * The CA and server certificate for a wss server on `port`: those of the last server on that port (a new server
 * certificate from the same CA if the host name changed), or new ones for port 0 and a port not used before.
 */
function certificatesFor(
  port: number,
  hostname: string | undefined,
): { ca: CertificateAuthority; certificates: TestCertificates } {
  const kept = port === 0 ? undefined : keptCertificates.get(port);
  if (kept !== undefined && kept.hostname === hostname) return { ca: kept.ca, certificates: { ...kept.certificates } };
  const ca = kept?.ca ?? createCertificateAuthority();
  const hostnames = [...DEFAULT_HOSTNAMES, ...(hostname === undefined ? [] : [hostname])];
  return { ca, certificates: { caPem: ca.certPem, ...issueServerCertificate(ca, { hostnames }) } };
}

function context(certificate: { certPem: string; keyPem: string }): SecureContext {
  // TLS 1.2 is the floor WeChat clients accept; the server offers nothing older.
  return createSecureContext({ cert: certificate.certPem, key: certificate.keyPem, minVersion: 'TLSv1.2' });
}

function describeRequest(request: IncomingMessage, number: number, connection: number): HandshakeRequest {
  // From the raw headers (Node's `request.headers` silently drops a header named `__proto__`), lower-cased, repeats
  // joined with ", "; no prototype, so such a name stays a plain entry.
  const headers: Record<string, string> = Object.create(null);
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const offered = headers['sec-websocket-protocol'];
  return {
    number,
    connection,
    url: request.url ?? '/',
    headers,
    rawHeaders: [...request.rawHeaders],
    protocols:
      offered === undefined
        ? []
        : offered
            .split(',')
            .map((token) => token.trim())
            .filter((token) => token !== ''),
  };
}
