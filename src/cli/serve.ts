/**
 * `wxsocket serve`: a local WebSocket server to try a mini program or `wxsocket connect` against. Every message goes
 * to every connected client, its sender included (so alone it is an echo server); `--mode echo` answers the sender
 * only. With `--tls` it serves wss with a certificate from a CA generated at start, whose path it prints.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { createTestCertificates } from '../testing/index.js';
import { ExitCode, UsageError, parseCommandLine, parseHeaders, parseWhole } from './args.js';
import { describeBytes, formatDuration, toHex } from './format.js';
import { HELP } from './help.js';
import { stylesOf, type Io } from './io.js';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  hostname: { type: 'string', multiple: true },
  'cert-dir': { type: 'string' },
  protocol: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  mode: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Runs `wxsocket serve` until SIGINT or SIGTERM. Resolves with the exit code. */
export async function runServe(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseCommandLine('serve', argv, OPTIONS, 0);
  if (values.help === true) {
    io.stdout.write(HELP.serve);
    return ExitCode.ok;
  }
  const secure = values.tls === true;
  const port = parseWhole('--port', values.port, 0, 65535, 'serve') ?? (secure ? 8443 : 8080);
  const host = values.host ?? '127.0.0.1';
  const mode = values.mode ?? 'broadcast';
  if (mode !== 'broadcast' && mode !== 'echo')
    throw new UsageError(`--mode is broadcast or echo, got ${JSON.stringify(mode)}`, 'serve');
  const responseHeaders = parseHeaders('--header', values.header, 'serve');
  if (!secure && (values.hostname !== undefined || values['cert-dir'] !== undefined)) {
    throw new UsageError('--hostname and --cert-dir are for the certificate: add --tls', 'serve');
  }
  const log = new ServeLog(io, values.json === true);

  let certificates: { caPath: string; cleanup: () => void; cert: string; key: string } | undefined;
  if (secure) certificates = writeCertificates(values.hostname ?? [], values['cert-dir']);
  const server: Server = certificates
    ? createHttpsServer({ cert: certificates.cert, key: certificates.key })
    : createHttpServer();
  server.on('request', (_request, response) => {
    response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
    response.end('This is a WebSocket server (wxsocket serve): connect with a WebSocket client.\n');
  });
  const offered = values.protocol;
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: true,
    // Without --protocol, the first subprotocol offered is accepted, so any client can try.
    handleProtocols: (protocols) =>
      offered === undefined ? ([...protocols][0] ?? false) : ([...protocols].find((p) => offered.includes(p)) ?? false),
  });
  // `ws` repeats the HTTP server's errors on the WebSocketServer; a failed listen is handled where it is awaited.
  wss.on('error', () => undefined);
  wss.on('headers', (headers) => {
    for (const [name, value] of Object.entries(responseHeaders)) headers.push(`${name}: ${value}`);
  });
  let nextId = 1;
  wss.on('connection', (ws, request) => {
    const id = nextId++;
    log.open(id, request, ws.protocol, wss.clients.size);
    ws.on('message', (data, isBinary) => {
      const targets = mode === 'echo' ? [ws] : [...wss.clients].filter((client) => client.readyState === client.OPEN);
      log.message(id, data, isBinary, targets.length);
      for (const client of targets) client.send(data, { binary: isBinary });
    });
    ws.on('close', (code, reason) => log.close(id, code, reason.toString(), wss.clients.size));
    ws.on('error', (error) => log.error(id, error));
  });

  try {
    await listen(server, port, host);
  } catch (error) {
    certificates?.cleanup();
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is in use: choose another with --port, or --port 0 for a free one`
        : `${code ?? ''} ${(error as Error).message}`.trim();
    io.stderr.write(`wxsocket serve: cannot listen on ${host}:${port}: ${why}\n`);
    return ExitCode.failed;
  }
  const address = server.address() as AddressInfo;
  const urlHost = secure ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${secure ? 'wss' : 'ws'}://${urlHost}:${address.port}`;
  log.listening(url, address, mode, certificates?.caPath, values.hostname ?? []);

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // 1001 "going away" (RFC 6455 §7.4.1): the server is shutting down.
  for (const client of wss.clients) client.close(1001, 'server stopping');
  await new Promise<void>((done) => {
    wss.close(() => done());
    server.close();
    server.closeAllConnections();
    setTimeout(() => {
      for (const client of wss.clients) client.terminate();
    }, 1000).unref();
  });
  certificates?.cleanup();
  log.stopped();
  return ExitCode.ok;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/** Generates the CA and server certificate and writes the CA to `ca.pem` for clients to trust. */
function writeCertificates(hostnames: readonly string[], certDir: string | undefined) {
  const { caPem, certPem, keyPem } = createTestCertificates({
    hostnames: ['localhost', '127.0.0.1', '::1', ...hostnames],
  });
  const dir = certDir === undefined ? mkdtempSync(join(tmpdir(), 'wxsocket-serve-')) : resolve(certDir);
  try {
    if (certDir !== undefined) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ca.pem'), caPem);
  } catch (error) {
    throw new UsageError(
      `--cert-dir ${certDir}: cannot write ca.pem there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'serve',
    );
  }
  // A folder we made is ours to remove; one the user named is kept.
  const cleanup = certDir === undefined ? () => rmSync(dir, { recursive: true, force: true }) : () => undefined;
  return { caPath: join(dir, 'ca.pem'), cleanup, cert: certPem, key: keyPem };
}

/** The server's log: one line per event, or one JSON object per line. */
class ServeLog {
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
    mode: string,
    caPath: string | undefined,
    hostnames: readonly string[],
  ): void {
    if (this.#json)
      return this.#emit({
        type: 'listening',
        url,
        address: address.address,
        port: address.port,
        mode,
        ...(caPath !== undefined && { ca: caPath }),
      });
    const s = this.#style;
    const lines = [
      `${s.bold('wxsocket serve')} listening on ${s.cyan(url)} (${mode}: ${mode === 'echo' ? 'each message goes back to its sender' : 'each message goes to every client'})`,
    ];
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
      id,
      this.#style.green('open'),
      `${path}${protocol === '' ? '' : `  protocol ${protocol}`}  (${plural(clients, 'client')})`,
    );
  }

  message(id: number, data: RawData, isBinary: boolean, recipients: number): void {
    const bytes = toBuffer(data);
    if (this.#json) {
      const payload = isBinary ? { binary: true, hex: toHex(bytes) } : { binary: false, text: bytes.toString('utf8') };
      return this.#emit({ type: 'message', client: id, ...payload, recipients });
    }
    const shown = isBinary ? describeBytes('binary', bytes) : JSON.stringify(bytes.toString('utf8'));
    this.#line(id, 'message', `${shown} → ${plural(recipients, 'client')}`);
  }

  close(id: number, code: number, reason: string, clients: number): void {
    if (this.#json) return this.#emit({ type: 'close', client: id, code, reason, clients });
    this.#line(
      id,
      this.#style.yellow('close'),
      `${code} ${JSON.stringify(reason)}  (${plural(clients, 'client')} left)`,
    );
  }

  error(id: number, error: Error): void {
    if (this.#json) return this.#emit({ type: 'error', client: id, message: error.message });
    this.#line(id, this.#style.red('error'), error.message);
  }

  stopped(): void {
    if (this.#json) return this.#emit({ type: 'stopped' });
    this.#io.stdout.write('stopped\n');
  }

  #line(id: number, event: string, detail: string): void {
    const time = this.#style.dim(`+${formatDuration(performance.now() - this.#start)}`.padStart(10));
    this.#io.stdout.write(`${time}  #${id} ${event}  ${detail}\n`);
  }

  #emit(entry: Record<string, unknown>): void {
    this.#io.stdout.write(
      `${JSON.stringify({ t: Math.round((performance.now() - this.#start) * 10) / 10, ...entry })}\n`,
    );
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
