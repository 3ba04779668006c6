/**
 * The log of `wxsocket serve`: one line per event for people, or one JSON object per line (`--json`). A message is
 * shown as a bounded preview with its full size, whatever its length: a 95 MiB text would not fit in a string once
 * quoted, and a log line of megabytes helps nobody.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { RawData } from 'ws';
import { describeBytes, formatDuration, formatSize, toHex } from './format.js';
import { stylesOf, type Io } from './io.js';

/** [ours] Characters of a text message shown in a log line; the JSON log shows more. */
const LINE_PREVIEW_CHARS = 80;
/** [ours] Characters of a text message (or bytes of a binary one) in a JSON log entry. */
const JSON_PREVIEW = 1024;

/** The server's log. */
export class ServeLog {
  readonly #io: Io;
  readonly #json: boolean;
  readonly #style;
  readonly #start = performance.now();

  constructor(io: Io, json: boolean) {
    this.#io = io;
    this.#json = json;
    this.#style = stylesOf(io).out;
  }

  listening(
    url: string,
    address: AddressInfo,
    settings: { mode: string; maxPayload: number; origins: readonly string[] },
    caPath: string | undefined,
    hostnames: readonly string[],
  ): void {
    const { mode, maxPayload, origins } = settings;
    if (this.#json)
      return this.#emit({
        type: 'listening',
        url,
        address: address.address,
        port: address.port,
        mode,
        maxPayload,
        allowedOrigins: origins.length === 0 ? 'loopback' : ['loopback', ...origins],
        ...(caPath !== undefined && { ca: caPath }),
      });
    const s = this.#style;
    const who = mode === 'echo' ? 'each message goes back to its sender' : 'each message goes to every client';
    const lines = [`${s.bold('wxsocket serve')} listening on ${s.cyan(url)} (${mode}: ${who})`];
    const pages = origins.includes('*')
      ? 'any page'
      : ['loopback pages', ...origins].join(', ').replace(/, ([^,]*)$/, ' and $1');
    lines.push(
      s.dim(
        `messages up to ${formatSize(maxPayload)} (--max-payload); browser pages allowed: ${pages} (--allow-origin)`,
      ),
    );
    if (caPath !== undefined) {
      lines.push(`CA certificate: ${caPath}`);
      lines.push(`try: wxsocket connect ${url} --ca ${caPath}`);
      for (const name of hostnames) {
        lines.push(
          `  or: wxsocket connect wss://${name}:${address.port} --ca ${caPath} --resolve ${name}:${address.address} --domain ${name}`,
        );
      }
    } else {
      lines.push(`try: wxsocket connect ${url}`);
    }
    lines.push(s.dim('stop with Ctrl-C'));
    this.#io.stdout.write(`${lines.join('\n')}\n`);
  }

  open(id: number, request: IncomingMessage, protocol: string, clients: number): void {
    const path = request.url ?? '/';
    if (this.#json)
      return this.#emit({
        type: 'open',
        client: id,
        path,
        protocol,
        clients,
        userAgent: request.headers['user-agent'] ?? '',
      });
    this.#line(
      `#${id} ${this.#style.green('open')}`,
      `${path}${protocol === '' ? '' : `  protocol ${protocol}`}  (${plural(clients, 'client')})`,
    );
  }

  /** A connection refused before it opened: a browser page from an origin not allowed. */
  refused(request: IncomingMessage, origin: string): void {
    const path = request.url ?? '/';
    if (this.#json) return this.#emit({ type: 'refused', path, origin, status: 403 });
    this.#line(
      this.#style.red('refused'),
      `${path}  Origin ${origin}: not a loopback page (403; allow it with --allow-origin ${origin})`,
    );
  }

  message(id: number, data: RawData, isBinary: boolean, recipients: number): void {
    const bytes = toBuffer(data);
    if (this.#json) {
      const truncated = bytes.length > JSON_PREVIEW;
      const payload = isBinary
        ? { binary: true, hex: toHex(bytes.subarray(0, JSON_PREVIEW)) }
        : { binary: false, text: textPreview(bytes, JSON_PREVIEW).text };
      const cut = isBinary ? truncated : textPreview(bytes, JSON_PREVIEW).truncated;
      return this.#emit({
        type: 'message',
        client: id,
        ...payload,
        bytes: bytes.length,
        ...(cut && { truncated: true }),
        recipients,
      });
    }
    let shown: string;
    if (isBinary) shown = describeBytes('binary', bytes);
    else {
      const { text, truncated } = textPreview(bytes, LINE_PREVIEW_CHARS);
      shown = truncated
        ? `${JSON.stringify(text).slice(0, -1)}…" (${formatSize(bytes.length)} of text)`
        : JSON.stringify(text);
    }
    this.#line(`#${id} message`, `${shown} → ${plural(recipients, 'client')}`);
  }

  /** A client disconnected because it is not reading what is sent to it. */
  dropped(id: number, queued: number, limit: number): void {
    if (this.#json) return this.#emit({ type: 'dropped', client: id, queued, limit });
    this.#line(
      `#${id} ${this.#style.red('dropped')}`,
      `${formatSize(queued)} waiting to be sent to it, over the ${formatSize(limit)} a client may fall behind: disconnected (it is not reading)`,
    );
  }

  close(id: number, code: number, reason: string, clients: number): void {
    if (this.#json) return this.#emit({ type: 'close', client: id, code, reason, clients });
    this.#line(
      `#${id} ${this.#style.yellow('close')}`,
      `${code} ${JSON.stringify(reason)}  (${plural(clients, 'client')} left)`,
    );
  }

  error(id: number, message: string): void {
    if (this.#json) return this.#emit({ type: 'error', client: id, message });
    this.#line(`#${id} ${this.#style.red('error')}`, message);
  }

  stopped(): void {
    if (this.#json) return this.#emit({ type: 'stopped' });
    this.#io.stdout.write('stopped\n');
  }

  #line(event: string, detail: string): void {
    const time = this.#style.dim(`+${formatDuration(performance.now() - this.#start)}`.padStart(10));
    this.#io.stdout.write(`${time}  ${event}  ${detail}\n`);
  }

  #emit(entry: Record<string, unknown>): void {
    this.#io.stdout.write(
      `${JSON.stringify({ t: Math.round((performance.now() - this.#start) * 10) / 10, ...entry })}\n`,
    );
  }
}

/**
 * The first `chars` UTF-16 units of a UTF-8 message, decoding no more than needed: `StringDecoder` keeps back a
 * character cut by the byte limit, so the preview ends on a whole character.
 */
function textPreview(bytes: Buffer, chars: number): { text: string; truncated: boolean } {
  // A UTF-16 unit takes at most 3 bytes of UTF-8 (4 bytes make 2 units).
  const decoded = new StringDecoder('utf8').write(bytes.subarray(0, chars * 3));
  let text = decoded.slice(0, chars);
  // Do not split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
  return { text, truncated: text.length < decoded.length || chars * 3 < bytes.length };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
