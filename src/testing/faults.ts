/**
 * The fault catalogue of the test server: each fault is a named, typed option, carried out at the socket or byte
 * level (raw TCP resets, hand-written HTTP responses, hand-built frames), never by asking a library to misbehave.
 *
 * Two kinds:
 * - {@link HandshakeFault}: acts before the connection opens (TCP accept, TLS, the HTTP upgrade). Set it as the
 *   server's `fault`.
 * - {@link ConnectionFault}: acts on an open connection. Inject it with `client.inject(fault)`, or set it as the
 *   server's `fault` to have it injected right after every open.
 *
 * What a `wx` client reports for each one is documented in docs/testing.md and proven by
 * test/testing/wx-faults.test.ts.
 */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { MILLISECONDS, closest, firstUnknownKey, unknownOption, type Rule } from '../option-keys.js';
import { Opcode, ReservedBit, acceptKey, closePayload, encodeFrame, splitBytes } from './frames.js';

/** A fault that acts before the connection opens. */
export type HandshakeFault =
  /** Reset the TCP connection as soon as it is accepted (RST): no TLS, no HTTP. */
  | { type: 'refuse' }
  /** Answer the upgrade request with this HTTP status (403, 404, 500, a 301 with `Location`...) and close. */
  | { type: 'http-status'; status: number; headers?: Readonly<Record<string, string>>; body?: string }
  /** Answer 101 with a wrong `Sec-WebSocket-Accept`. */
  | { type: 'bad-accept' }
  /** Answer 101 selecting a subprotocol the client did not request (default `unrequested`). */
  | { type: 'unrequested-protocol'; protocol?: string }
  /** Answer 101 with an extension the client did not offer (default `x-unrequested`). */
  | { type: 'unrequested-extension'; extension?: string }
  /** Read the upgrade request and never answer it (the connection stays open until the client gives up). */
  | { type: 'no-upgrade-response' }
  /** Answer the upgrade request normally, but only after `delay` milliseconds. */
  | { type: 'slow-upgrade-response'; delay: number }
  /** wss only: present a certificate that expired a day ago (signed by the trusted test CA). */
  | { type: 'expired-certificate' }
  /** wss only: present a certificate for another host name only (default `wrong-host.invalid`). */
  | { type: 'wrong-host-certificate'; hostname?: string }
  /** wss only: present a certificate for the right names, signed by a CA the client was not given. */
  | { type: 'untrusted-certificate' };

/** A fault that acts on an open connection. */
export type ConnectionFault =
  /** Close the TCP connection with no close frame: FIN, or RST with `reset: true`. */
  | { type: 'drop'; reset?: boolean }
  /** Half-close: send FIN with no close frame but keep reading what the client sends. */
  | { type: 'half-close' }
  /** Send a text frame whose payload is not valid UTF-8. */
  | { type: 'invalid-utf8' }
  /** Send a text frame with a reserved bit set (RSV1 by default) although no extension was negotiated. */
  | { type: 'reserved-bits'; bit?: 1 | 2 | 3 }
  /** Send a frame with a reserved opcode (default 0x3). */
  | { type: 'unknown-opcode'; opcode?: number }
  /** Send a ping frame with FIN clear (control frames must not be fragmented). */
  | { type: 'fragmented-control' }
  /** Send a ping frame with a 126-byte payload (control payloads are at most 125 bytes). */
  | { type: 'oversized-control' }
  /**
   * Send a binary frame announcing `length` bytes (default 2^53, beyond what any client accepts). The payload
   * follows only when it is at most 16 MiB.
   */
  | { type: 'oversized-frame'; length?: number }
  /** Send a close frame with a code not allowed on the wire (default 1005). */
  | { type: 'invalid-close-code'; code?: number }
  /** Send a close frame whose reason is 124 bytes (over the 123 allowed). */
  | { type: 'long-close-reason' }
  /** Send a masked text frame (a server must not mask). */
  | { type: 'masked-frame' }
  /** Send a continuation frame when no fragmented message is in progress. */
  | { type: 'unexpected-continuation' }
  /**
   * Not a violation: send one message split into `fragments` frames (default 3, cut at byte boundaries, so a UTF-8
   * character may straddle two frames) with a ping between the first two. The client must deliver one message.
   */
  | { type: 'fragmented-message'; data?: string | Uint8Array; fragments?: number }
  /** Not a violation: send `count` pings at once (default 1000). The client must answer each with a pong. */
  | { type: 'ping-flood'; count?: number }
  /** Stop reading from the client (until `client.resume()`), so its sends back up: backpressure. */
  | { type: 'slow-reader' };

/** Any fault of the catalogue. */
export type Fault = HandshakeFault | ConnectionFault;

/** Decides the fault for each TCP connection, given its number (1 for the first accepted). */
export type FaultPlan = (connection: { readonly number: number }) => Fault | undefined;

/** The message `fragmented-message` sends by default: multi-byte characters, so cuts fall inside them. */
const DEFAULT_FRAGMENTED_MESSAGE = 'fragmented message: 你好, wxsocket 🌏';

const HANDSHAKE_FAULT_TYPES: ReadonlySet<string> = new Set<HandshakeFault['type']>([
  'refuse',
  'http-status',
  'bad-accept',
  'unrequested-protocol',
  'unrequested-extension',
  'no-upgrade-response',
  'slow-upgrade-response',
  'expired-certificate',
  'wrong-host-certificate',
  'untrusted-certificate',
]);

const CERTIFICATE_FAULT_TYPES: ReadonlySet<string> = new Set<HandshakeFault['type']>([
  'expired-certificate',
  'wrong-host-certificate',
  'untrusted-certificate',
]);

/** Each fault's fields besides `type`: a key outside its list is refused (option-keys.ts). */
const FAULT_FIELDS = {
  refuse: [],
  'http-status': ['status', 'headers', 'body'],
  'bad-accept': [],
  'unrequested-protocol': ['protocol'],
  'unrequested-extension': ['extension'],
  'no-upgrade-response': [],
  'slow-upgrade-response': ['delay'],
  'expired-certificate': [],
  'wrong-host-certificate': ['hostname'],
  'untrusted-certificate': [],
  drop: ['reset'],
  'half-close': [],
  'invalid-utf8': [],
  'reserved-bits': ['bit'],
  'unknown-opcode': ['opcode'],
  'fragmented-control': [],
  'oversized-control': [],
  'oversized-frame': ['length'],
  'invalid-close-code': ['code'],
  'long-close-reason': [],
  'masked-frame': [],
  'unexpected-continuation': [],
  'fragmented-message': ['data', 'fragments'],
  'ping-flood': ['count'],
  'slow-reader': [],
} satisfies Record<Fault['type'], readonly string[]>;

const FAULT_TYPES = Object.keys(FAULT_FIELDS);

const isInteger = (value: unknown, min: number, max: number): boolean =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

const A_STRING: Rule = [(value) => typeof value === 'string', 'a string'];

/** The checks of each field's value: the test of it, and the expected value, described (option-keys.ts). */
const FIELD_CHECKS: Readonly<Record<string, Rule>> = {
  status: [(value) => isInteger(value, 100, 599), 'a whole number from 100 to 599'],
  headers: [
    (value) =>
      typeof value === 'object' && value !== null && Object.values(value).every((entry) => typeof entry === 'string'),
    'an object of strings',
  ],
  body: A_STRING,
  protocol: A_STRING,
  extension: A_STRING,
  hostname: A_STRING,
  delay: MILLISECONDS,
  reset: [(value) => typeof value === 'boolean', 'a boolean'],
  bit: [(value) => value === 1 || value === 2 || value === 3, '1, 2 or 3'],
  opcode: [(value) => isInteger(value, 0, 15), 'a whole number from 0 to 15'],
  length: [(value) => isInteger(value, 0, 2 ** 63), 'a whole number ≥ 0'],
  code: [(value) => isInteger(value, 0, 65535), 'a whole number from 0 to 65535'],
  data: [(value) => typeof value === 'string' || value instanceof Uint8Array, 'a string or a Uint8Array'],
  fragments: [(value) => isInteger(value, 1, Number.MAX_SAFE_INTEGER), 'a whole number ≥ 1'],
  count: [(value) => isInteger(value, 0, Number.MAX_SAFE_INTEGER), 'a whole number ≥ 0'],
};

/** What is wrong with a fault (unknown type or field, a bad value, a missing `delay`), or `undefined`. */
export function faultProblem(fault: unknown): string | undefined {
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault))
    return 'a fault must be an object such as {type: "drop"}';
  const { type } = fault as { type?: unknown };
  if (typeof type !== 'string') return `a fault needs a type (one of ${FAULT_TYPES.join(', ')})`;
  if (!Object.hasOwn(FAULT_FIELDS, type)) {
    const near = closest(type, FAULT_TYPES);
    return `unknown fault type "${type}" (${near === undefined ? `known: ${FAULT_TYPES.join(', ')}` : `did you mean "${near}"?`})`;
  }
  const fields: readonly string[] = FAULT_FIELDS[type as Fault['type']];
  const key = firstUnknownKey(fault, ['type', ...fields]);
  if (key !== undefined) return `the fault "${type}": ${unknownOption(key, fields)}`;
  if (type === 'http-status' && !('status' in fault)) return 'the fault "http-status" needs a status, e.g. 403';
  if (type === 'slow-upgrade-response' && !('delay' in fault))
    return 'the fault "slow-upgrade-response" needs a delay in milliseconds';
  for (const field of fields) {
    const value = (fault as Record<string, unknown>)[field];
    const [valid, expected] = FIELD_CHECKS[field]!;
    if (value !== undefined && !valid(value)) return `the fault "${type}": ${field} must be ${expected}`;
  }
  return undefined;
}

/** Whether `fault` acts before the connection opens. */
export function isHandshakeFault(fault: Fault): fault is HandshakeFault {
  return HANDSHAKE_FAULT_TYPES.has(fault.type);
}

/** Whether `fault` is about the server certificate (wss only). */
export function isCertificateFault(fault: Fault): fault is Extract<HandshakeFault, { type: `${string}-certificate` }> {
  return CERTIFICATE_FAULT_TYPES.has(fault.type);
}

/**
 * Answers an upgrade request as a handshake fault says. `slow-upgrade-response` and the certificate faults are not
 * handled here (the server delays or picks a certificate); for them this returns false.
 */
export function answerUpgradeWithFault(socket: Duplex, key: string, fault: HandshakeFault): boolean {
  switch (fault.type) {
    case 'http-status': {
      const body = fault.body ?? `${fault.status} ${STATUS_CODES[fault.status] ?? 'Unknown'}\n`;
      const headers = {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        Connection: 'close',
        ...fault.headers,
      };
      socket.end(`${statusLine(fault.status)}${headerLines(headers)}\r\n${body}`);
      return true;
    }
    case 'bad-accept':
      // The accept key of another key: well-formed, just wrong.
      socket.write(switchingProtocols({ 'Sec-WebSocket-Accept': acceptKey(`not-${key}`) }));
      return true;
    case 'unrequested-protocol':
      socket.write(
        switchingProtocols({
          'Sec-WebSocket-Accept': acceptKey(key),
          'Sec-WebSocket-Protocol': fault.protocol ?? 'unrequested',
        }),
      );
      return true;
    case 'unrequested-extension':
      socket.write(
        switchingProtocols({
          'Sec-WebSocket-Accept': acceptKey(key),
          'Sec-WebSocket-Extensions': fault.extension ?? 'x-unrequested',
        }),
      );
      return true;
    case 'no-upgrade-response':
      return true; // the request was read; nothing is ever written
    default:
      return false;
  }
}

/** The parts of an open connection a fault acts on. */
interface FaultTarget {
  /** What `ws` reads and writes: the TCP socket, or the TLS socket over it. */
  readonly stream: Duplex;
  /** The TCP socket underneath. */
  readonly tcp: Socket;
  /** The server side of the connection. */
  readonly ws: WebSocket;
}

/** Carries out a connection fault. Resolves once its bytes are handed to the socket (or at once). */
export function applyConnectionFault(target: FaultTarget, fault: ConnectionFault): Promise<void> {
  switch (fault.type) {
    case 'drop':
      if (fault.reset === true) target.tcp.resetAndDestroy();
      else target.stream.destroy();
      return Promise.resolve();
    case 'half-close':
      return new Promise((resolve) => target.stream.end(resolve));
    case 'slow-reader':
      target.ws.pause();
      return Promise.resolve();
    default:
      return write(target.stream, faultBytes(fault));
  }
}

type FrameFault = Exclude<ConnectionFault, { type: 'drop' | 'half-close' | 'slow-reader' }>;

/** The bytes a frame-level fault writes. */
function faultBytes(fault: FrameFault): Buffer {
  switch (fault.type) {
    case 'invalid-utf8':
      // "hi" then 0xff 0xfe: bytes that never occur in UTF-8 (RFC 3629 §1).
      return encodeFrame({ opcode: Opcode.TEXT, payload: Buffer.from([0x68, 0x69, 0xff, 0xfe]) });
    case 'reserved-bits': {
      const bit = [ReservedBit.RSV1, ReservedBit.RSV2, ReservedBit.RSV3][(fault.bit ?? 1) - 1] ?? ReservedBit.RSV1;
      return encodeFrame({ opcode: Opcode.TEXT, payload: 'reserved', reservedBits: bit });
    }
    case 'unknown-opcode':
      return encodeFrame({ opcode: fault.opcode ?? 0x3, payload: 'unknown' });
    case 'fragmented-control':
      return encodeFrame({ opcode: Opcode.PING, payload: 'fragmented', fin: false });
    case 'oversized-control':
      return encodeFrame({ opcode: Opcode.PING, payload: Buffer.alloc(126, 0x70) });
    case 'oversized-frame': {
      const length = fault.length ?? 2 ** 53;
      const payload = length <= 16 * 1024 * 1024 ? Buffer.alloc(length, 0x6f) : Buffer.alloc(0);
      return encodeFrame({ opcode: Opcode.BINARY, payload, announcedLength: length });
    }
    case 'invalid-close-code':
      return encodeFrame({ opcode: Opcode.CLOSE, payload: closePayload(fault.code ?? 1005, 'invalid code') });
    case 'long-close-reason':
      return encodeFrame({ opcode: Opcode.CLOSE, payload: closePayload(1000, 'r'.repeat(124)) });
    case 'masked-frame':
      return encodeFrame({ opcode: Opcode.TEXT, payload: 'masked', mask: true });
    case 'unexpected-continuation':
      return encodeFrame({ opcode: Opcode.CONTINUATION, payload: 'continued' });
    case 'fragmented-message':
      return fragmentedMessage(fault.data ?? DEFAULT_FRAGMENTED_MESSAGE, fault.fragments ?? 3);
    case 'ping-flood': {
      const ping = encodeFrame({ opcode: Opcode.PING, payload: 'flood' });
      return Buffer.concat(new Array<Buffer>(Math.max(0, fault.count ?? 1000)).fill(ping));
    }
  }
}

/** One message as a first frame, continuation frames and a final one, with a ping after the first (RFC 6455 §5.4). */
function fragmentedMessage(data: string | Uint8Array, fragments: number): Buffer {
  const binary = typeof data !== 'string';
  const pieces = splitBytes(binary ? data : Buffer.from(data, 'utf8'), fragments);
  const frames = pieces.map((payload, index) =>
    encodeFrame({
      opcode: index === 0 ? (binary ? Opcode.BINARY : Opcode.TEXT) : Opcode.CONTINUATION,
      payload,
      fin: index === pieces.length - 1,
    }),
  );
  if (frames.length > 1) frames.splice(1, 0, encodeFrame({ opcode: Opcode.PING, payload: 'between fragments' }));
  return Buffer.concat(frames);
}

function write(stream: Duplex, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    // A write error (the peer is gone) is reported by the socket's own 'error'/'close'; the fault is still "done".
    stream.write(bytes, () => resolve());
  });
}

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
}

/** A hand-written 101 response with the usual upgrade headers plus `headers`. */
function switchingProtocols(headers: Readonly<Record<string, string>>): string {
  return `${statusLine(101)}${headerLines({ Upgrade: 'websocket', Connection: 'Upgrade', ...headers })}\r\n`;
}
