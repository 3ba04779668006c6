/**
 * The client's side of the WebSocket opening handshake (RFC 6455 §4.1) over HTTP/1.1, written and read here rather
 * than through Node's `http` client: the request is one write, the response head is read up to its blank line, and
 * the socket then goes to `ws` for the frames (ws.ts). Node's `ClientRequest`, its parser and `IncomingMessage` made
 * most of the cost of an open (docs/benchmarks.md, "An eighth pass"), for a request and a response of a few lines.
 *
 * What `ws`'s client and Node did with them is done the same way here: the request's headers in the order Node sent
 * them, with the same checks and failures (`ws`'s messages: `Unexpected server response: 403`, `Invalid
 * Sec-WebSocket-Accept header`, …); Node's limit on the response head (16 KiB) and its rules for an upgrade (status
 * 101 with `Upgrade` and `Connection: upgrade`, anything else is an unexpected response); informational responses
 * skipped; repeated headers joined with `, `, as Node's `headers` join them.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as wsModule from 'ws';
import { FIELD_VALUE, TOKEN } from '../connect-options.js';

/** RFC 6455 §1.3: what the server appends to the key before hashing it. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Node's default `maxHeaderSize`: a larger response head fails, as Node's parser fails it. */
const MAX_HEAD_SIZE = 16 * 1024;

/** The one extension `ws` negotiates, through its own helpers (exported by name, untyped). */
interface PerMessageDeflate {
  offer(): object;
  accept(offers: unknown): unknown;
}
const { PerMessageDeflate: Deflate, extension } = wsModule as unknown as {
  PerMessageDeflate: { new (options: object, isServer: boolean, maxPayload: number): PerMessageDeflate };
  extension: { format(extensions: object): string; parse(header: string): Record<string, unknown> };
};
const DEFLATE = 'permessage-deflate';

/** What a connection asks for, as `TransportRequest` gives it. */
export interface UpgradeRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
  readonly perMessageDeflate: boolean;
  readonly maxMessageSize: number;
}

/** What the server agreed to in a valid upgrade: the subprotocol (`''` for none) and the extension, if any. */
export interface Agreement {
  readonly protocol: string;
  readonly deflate: PerMessageDeflate | undefined;
}

/** One opening handshake: where it goes, what it sends, and how to check the answer. */
export class Upgrade {
  readonly secure: boolean;
  /** The host to connect to: a name, or an address (an IPv6 one without its brackets). */
  readonly host: string;
  readonly port: number;
  /** The request, as written to the socket. */
  readonly request: string;
  readonly #key: string;
  readonly #protocols: readonly string[];
  readonly #deflate: PerMessageDeflate | undefined;

  /**
   * Throws, as `ws` and Node did, for what cannot be sent: a URL that does not parse or is not `ws:`/`wss:`, an
   * invalid or repeated subprotocol, a header name or value HTTP does not allow (the core refuses all of these first;
   * the check keeps a request from ever being split).
   */
  constructor(url: string, { headers, protocols, perMessageDeflate, maxMessageSize }: UpgradeRequest) {
    const target = new URL(url);
    this.secure = target.protocol === 'wss:';
    if (!this.secure && target.protocol !== 'ws:') throw new SyntaxError(`The URL's protocol must be "ws:" or "wss:"`);
    const { hostname } = target;
    this.host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    this.port = target.port ? Number(target.port) : this.secure ? 443 : 80;
    this.#key = randomBytes(16).toString('base64');
    this.#protocols = protocols;
    // Node's order: the given headers, `ws`'s, then `Host` (the URL's host: the port only when not the default).
    let request = `GET ${target.pathname}${target.search} HTTP/1.1\r\n`;
    for (const name of Object.keys(headers)) request += headerLine(name, headers[name]!);
    request += `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${this.#key}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`;
    if (perMessageDeflate) {
      this.#deflate = new Deflate({}, false, maxMessageSize);
      request += headerLine('Sec-WebSocket-Extensions', extension.format({ [DEFLATE]: this.#deflate.offer() }));
    }
    if (protocols.length > 0) {
      if (!protocols.every((protocol, index) => TOKEN.test(protocol) && protocols.indexOf(protocol) === index))
        throw new SyntaxError('An invalid or duplicated subprotocol was specified');
      request += headerLine('Sec-WebSocket-Protocol', protocols.join(','));
    }
    this.request = `${request}Host: ${target.host}\r\n\r\n`;
  }

  /** What the server agreed to, or, for a response that is not a valid upgrade, why (`ws`'s words). */
  check({ status, rawHeaders }: ResponseHead): Agreement | string {
    const upgrade = headerValue(rawHeaders, 'upgrade');
    // Node hands a response over as an upgrade only with both headers; `ws` then checks the upgrade is to WebSocket.
    const upgrading = status === 101 && upgrade !== undefined && hasUpgradeToken(headerValue(rawHeaders, 'connection'));
    if (!upgrading) return `Unexpected server response: ${status}`;
    if (upgrade.toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
    const digest = createHash('sha1')
      .update(this.#key + GUID)
      .digest('base64');
    if (headerValue(rawHeaders, 'sec-websocket-accept') !== digest) return 'Invalid Sec-WebSocket-Accept header';
    const protocol = headerValue(rawHeaders, 'sec-websocket-protocol');
    if (protocol !== undefined) {
      if (this.#protocols.length === 0) return 'Server sent a subprotocol but none was requested';
      if (!this.#protocols.includes(protocol)) return 'Server sent an invalid subprotocol';
    } else if (this.#protocols.length > 0) return 'Server sent no subprotocol';
    const extensions = headerValue(rawHeaders, 'sec-websocket-extensions');
    if (extensions === undefined) return { protocol: protocol ?? '', deflate: undefined };
    const deflate = this.#deflate;
    if (!deflate) return 'Server sent a Sec-WebSocket-Extensions header but no extension was requested';
    let offers: Record<string, unknown>;
    try {
      offers = extension.parse(extensions);
    } catch {
      return 'Invalid Sec-WebSocket-Extensions header';
    }
    const names = Object.keys(offers);
    if (names.length !== 1 || names[0] !== DEFLATE) return 'Server indicated an extension that was not requested';
    try {
      deflate.accept(offers[DEFLATE]);
    } catch {
      return 'Invalid Sec-WebSocket-Extensions header';
    }
    return { protocol: protocol ?? '', deflate };
  }
}

function headerLine(name: string, value: string): string {
  if (!TOKEN.test(name)) throw new TypeError(`Header name must be a valid HTTP token ["${name}"]`);
  if (!FIELD_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
  return `${name}: ${value}\r\n`;
}

/** A response head: its status and its headers, names and values in order, as Node's `rawHeaders`. */
export interface ResponseHead {
  readonly status: number;
  readonly rawHeaders: readonly string[];
}

/** The response head once it is complete, and the bytes after it: the first of the WebSocket stream. */
export interface ReadHead extends ResponseHead {
  readonly rest: Buffer;
}

/**
 * Reads the response head from the bytes as they arrive: `read` returns it once complete (informational 1xx heads
 * skipped, as Node skips them), `undefined` until then, and throws a parse error as Node's (`code` `HPE_*`) for
 * bytes that are not an HTTP/1.x response head or one larger than 16 KiB.
 */
export class ResponseReader {
  #received: Buffer | undefined;

  read(chunk: Buffer): ReadHead | undefined {
    let bytes = this.#received ? Buffer.concat([this.#received, chunk]) : chunk;
    for (;;) {
      const end = bytes.indexOf('\r\n\r\n');
      // Up to 3 bytes of the blank line may have come while waiting: the limit is the head's, whatever the chunks.
      if (end < 0 ? bytes.length > MAX_HEAD_SIZE + 3 : end > MAX_HEAD_SIZE)
        throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
      if (end < 0) {
        this.#received = bytes;
        return undefined;
      }
      const head = parseHead(bytes.toString('latin1', 0, end));
      bytes = bytes.subarray(end + 4);
      if (head.status >= 200 || head.status === 101) {
        this.#received = undefined;
        return { ...head, rest: bytes };
      }
    }
  }
}

/** A status line: HTTP/1.0 or 1.1, three digits, a reason phrase (which may be empty or missing). */
const STATUS_LINE = /^HTTP\/1\.[01] ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;

function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw parseError('HPE_INVALID_CONSTANT', 'Expected HTTP/');
  const rawHeaders: string[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    // A name is a token right up to the colon; a line that starts with white space (an obsolete fold) has none.
    if (colon <= 0 || !TOKEN.test(name)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
    const value = trimWhiteSpace(line.slice(colon + 1));
    if (!FIELD_VALUE.test(value)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
    rawHeaders.push(name, value);
  }
  return { status: Number(status[1]), rawHeaders };
}

/** A field value without the spaces and tabs around it (RFC 9110 §5.5), which `trim` would take with others. */
function trimWhiteSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}

function parseError(code: string, reason: string): Error {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code });
}

/** A header's value, the values of a repeated one joined with `, `; `undefined` when absent. */
function headerValue(rawHeaders: readonly string[], lowerCaseName: string): string | undefined {
  let value: string | undefined;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() !== lowerCaseName) continue;
    value = value === undefined ? rawHeaders[index + 1] : `${value}, ${rawHeaders[index + 1]}`;
  }
  return value;
}

/** Whether a `Connection` header lists `upgrade`, as Node's parser checks it. */
function hasUpgradeToken(connection: string | undefined): boolean {
  return connection !== undefined && connection.split(',').some((token) => token.trim().toLowerCase() === 'upgrade');
}
