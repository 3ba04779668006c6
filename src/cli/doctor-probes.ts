/**
 * The network probes of `wxsocket doctor`, below the wx API: a DNS lookup, a TCP (and TLS) connection that reports
 * the negotiated TLS version and the peer's certificate chain, and a raw HTTP upgrade request that reports the
 * status and headers the server answered. Each is bounded by a timeout and releases its socket before resolving.
 * They gather facts only; `doctor-checks.ts` judges them.
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, rootCertificates, type DetailedPeerCertificate } from 'node:tls';
import { acceptKey } from '../testing/frames.js';

/** What doctor connects to, read from the URL. */
export interface Target {
  readonly url: string;
  /** `ws:` or `wss:` (other schemes stop before any probe). */
  readonly protocol: string;
  readonly secure: boolean;
  /** The host name or IP address, without IPv6 brackets, lower case. */
  readonly host: string;
  readonly port: number;
  /** Path and query, as sent in the upgrade request. */
  readonly path: string;
}

/** An error of a probe: the stage it happened at, its code (`ECONNREFUSED`, `ERR_SSL_…`) and message. */
interface ProbeError {
  readonly code: string;
  readonly message: string;
}

/** Runs `work` with a deadline; on expiry `onTimeout` releases what `work` holds and the result is a timeout. */
function deadline<T>(ms: number, work: (settle: (value: T) => void) => () => void, timedOut: () => T): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    const settle = (value: T): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      release();
      resolve(value);
    };
    const release = work(settle);
    const timer = setTimeout(() => settle(timedOut()), ms);
  });
}

function errorOf(error: unknown): ProbeError {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'ERROR',
    message: typeof message === 'string' ? message : String(error),
  };
}

/** The result of resolving the host. */
export type DnsResult =
  | { readonly kind: 'ip'; readonly address: string }
  | { readonly kind: 'mapped'; readonly address: string }
  | { readonly kind: 'resolved'; readonly address: string; readonly addresses: readonly string[]; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: ProbeError };

/** Resolves the target's host: an IP as is, a `--resolve` mapping, else the system resolver (as a phone would). */
export async function probeDns(
  target: Target,
  hosts: Readonly<Record<string, string>>,
  timeout: number,
): Promise<DnsResult> {
  if (isIP(target.host) !== 0) return { kind: 'ip', address: target.host };
  const mapped = hosts[target.host];
  if (mapped !== undefined) return { kind: 'mapped', address: mapped };
  const started = performance.now();
  const timedOut = Symbol('timeout');
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await Promise.race([
      lookup(target.host, { all: true }),
      new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), timeout))),
    ]);
    if (result === timedOut)
      return { kind: 'failed', error: { code: 'ETIMEOUT', message: `no answer within ${timeout} ms` } };
    const addresses = result.map((entry) => entry.address);
    return { kind: 'resolved', address: addresses[0] ?? '', addresses, ms: performance.now() - started };
  } catch (error) {
    return { kind: 'failed', error: errorOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** What a TCP (and, for wss, TLS) connection showed. */
export interface ConnectionProbe {
  /** Milliseconds to the TCP connection, or the error that prevented it. */
  readonly tcp: { readonly ms: number } | { readonly error: ProbeError };
  /** wss only, once TCP connected: the TLS handshake's facts, or its error. */
  readonly tls?: TlsFacts | { readonly error: ProbeError };
}

/** The facts of a completed TLS handshake. */
export interface TlsFacts {
  readonly ms: number;
  /** `TLSv1.3`, `TLSv1.2`, … */
  readonly protocol: string;
  /** Whether the chain verified against the trust store and the name matched (Node's `authorized`). */
  readonly authorized: boolean;
  /** OpenSSL's or Node's verification error code when not authorized (`CERT_HAS_EXPIRED`, …). */
  readonly authorizationError: string | undefined;
  /** The chain as Node built it, leaf first: what the server sent plus the trusted root that completes it. */
  readonly chain: readonly DetailedPeerCertificate[];
}

/**
 * Connects to `address` and, for wss, completes a TLS handshake without rejecting anything, so every fact can be
 * reported: TLS versions down to 1.0 are allowed here only to name an old one (the wx connection requires 1.2).
 */
export function probeConnection(
  target: Target,
  address: string,
  ca: readonly string[],
  timeout: number,
): Promise<ConnectionProbe> {
  const started = performance.now();
  let tcpMs: number | undefined;
  const outcome = (error?: unknown): ConnectionProbe =>
    tcpMs === undefined ? { tcp: { error: errorOf(error) } } : { tcp: { ms: tcpMs }, tls: { error: errorOf(error) } };
  return deadline<ConnectionProbe>(
    timeout,
    (settle) => {
      if (!target.secure) {
        const socket = netConnect({ host: address, port: target.port });
        socket.once('connect', () => settle({ tcp: { ms: performance.now() - started } }));
        socket.once('error', (error) => settle(outcome(error)));
        return () => socket.destroy();
      }
      const socket = tlsConnect({
        host: address,
        port: target.port,
        ...(isIP(target.host) === 0 && { servername: target.host }),
        rejectUnauthorized: false,
        ca: [...rootCertificates, ...ca],
        minVersion: 'TLSv1',
        // Security level 0 lets OpenSSL negotiate TLS 1.0/1.1, so an old server is named rather than unreachable.
        ciphers: 'DEFAULT:@SECLEVEL=0',
        ALPNProtocols: ['http/1.1'],
      });
      socket.once('connect', () => (tcpMs = performance.now() - started));
      socket.once('secureConnect', () => {
        const authorizationError = socket.authorizationError === null ? undefined : String(socket.authorizationError);
        settle({
          tcp: { ms: tcpMs ?? 0 },
          tls: {
            ms: performance.now() - started - (tcpMs ?? 0),
            protocol: socket.getProtocol() ?? 'unknown',
            authorized: socket.authorized,
            authorizationError,
            chain: chainOf(socket.getPeerCertificate(true)),
          },
        });
      });
      socket.once('error', (error) => settle(outcome(error)));
      return () => socket.destroy();
    },
    () =>
      outcome({
        code: 'ETIMEDOUT',
        message: `no ${tcpMs === undefined ? 'TCP connection' : 'TLS handshake'} within ${timeout} ms`,
      }),
  );
}

/** The chain from the leaf up, stopping at a self-signed certificate (which Node links to itself). */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current !== undefined && current.raw !== undefined && chain.length < 10) {
    chain.push(current);
    const issuer: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (issuer === undefined || issuer === current || issuer.fingerprint256 === current.fingerprint256) break;
    current = issuer;
  }
  return chain;
}

/** What the server answered to a WebSocket upgrade request. */
export type UpgradeProbe =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly statusText: string;
      /** Response headers, names lower case. */
      readonly headers: Readonly<Record<string, string>>;
      /** For a 101: whether `Sec-WebSocket-Accept` matches the key sent (RFC 6455 §4.2.2). */
      readonly acceptValid: boolean;
      /** The start of a non-101 response's body. */
      readonly body: string;
      readonly ms: number;
    }
  | { readonly kind: 'failed'; readonly error: ProbeError };

/** Options of {@link probeUpgrade}. */
interface UpgradeOptions {
  readonly protocols: readonly string[];
  /** The user's `--header` values: pass them only with `verify` (they may hold tokens). */
  readonly header: Readonly<Record<string, string>>;
  /**
   * wss only: verify the server as the wx connection does (TLS 1.2 or newer, a chain to Node's roots or `ca`, the
   * host name), so nothing is sent to a peer that is not the server. Without it any certificate and TLS 1.0 are
   * accepted, to reach the HTTP answer of a server whose TLS already failed a check.
   */
  readonly verify?: { readonly ca: readonly string[] };
  /** Sent as WeChat sends it, so a server that checks it answers as it would to a phone. */
  readonly referer: string;
  readonly userAgent: string;
  readonly timeout: number;
}

/** Sends one upgrade request (offering permessage-deflate) and reports the answer; the connection is then dropped. */
export function probeUpgrade(target: Target, address: string, options: UpgradeOptions): Promise<UpgradeProbe> {
  const key = randomBytes(16).toString('base64');
  const started = performance.now();
  const request = target.secure ? httpsRequest : httpRequest;
  const headers: Record<string, string> = {
    ...options.header,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
    Referer: options.referer,
    'User-Agent': options.userAgent,
  };
  if (options.protocols.length > 0) headers['Sec-WebSocket-Protocol'] = options.protocols.join(', ');
  const hostHeader = target.host.includes(':') ? `[${target.host}]` : target.host;
  const defaultPort = target.secure ? 443 : 80;
  headers['Host'] = target.port === defaultPort ? hostHeader : `${hostHeader}:${target.port}`;
  return deadline<UpgradeProbe>(
    options.timeout,
    (settle) => {
      const req = request({
        host: address,
        port: target.port,
        path: target.path,
        method: 'GET',
        headers,
        agent: false,
        ...(target.secure && isIP(target.host) === 0 && { servername: target.host }),
        ...(target.secure &&
          (options.verify === undefined
            ? // TLS failed a check already: accept what the connection probe accepted, to reach the HTTP answer.
              { rejectUnauthorized: false, minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' }
            : {
                rejectUnauthorized: true,
                minVersion: 'TLSv1.2' as const,
                ca: [...rootCertificates, ...options.verify.ca],
              })),
      });
      const answered = (response: IncomingMessage, body: string): UpgradeProbe => ({
        kind: 'answered',
        status: response.statusCode ?? 0,
        statusText: response.statusMessage ?? '',
        headers: flatten(response.headers),
        acceptValid: response.headers['sec-websocket-accept'] === acceptKey(key),
        body,
        ms: performance.now() - started,
      });
      req.once('upgrade', (response, socket) => {
        socket.destroy();
        settle(answered(response, ''));
      });
      req.once('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length >= 200) settle(answered(response, body.slice(0, 200)));
        });
        response.once('end', () => settle(answered(response, body)));
        response.once('error', () => settle(answered(response, body)));
      });
      req.once('error', (error) => settle({ kind: 'failed', error: errorOf(error) }));
      req.end();
      return () => req.destroy();
    },
    () => ({
      kind: 'failed',
      error: { code: 'ETIMEDOUT', message: `no answer to the upgrade request within ${options.timeout} ms` },
    }),
  );
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
