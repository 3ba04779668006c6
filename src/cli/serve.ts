/**
 * `wxsocket serve`: a local WebSocket server to try a mini program or `wxsocket connect` against. Every message goes
 * to every connected client, its sender included (so alone it is an echo server); `--mode echo` answers the sender
 * only. With `--tls` it serves wss with a certificate from a CA generated at start (or kept in `--cert-dir`), whose
 * path it prints.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ExitCode, UsageError, parseCommandLine, parseHeaders, parseWhole } from './args.js';
import { formatSize } from './format.js';
import { HELP } from './help.js';
import type { Io } from './io.js';
import { isAllowedOrigin, parseOrigins } from './serve-origin.js';
import { serveCertificates } from './serve-certificates.js';
import { ServeLog } from './serve-log.js';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  hostname: { type: 'string', multiple: true },
  'cert-dir': { type: 'string' },
  protocol: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  mode: { type: 'string' },
  'max-payload': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/**
 * [ours] The largest message accepted by default: 1 MiB, far above the chat messages and JSON a mini program
 * exchanges; a larger one closes its sender's connection with 1009 (RFC 6455 §7.4.1). `--max-payload` raises it up
 * to {@link MAX_PAYLOAD_CEILING}, the wx client's own default limit.
 */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
const MAX_PAYLOAD_CEILING = 32 * 1024 * 1024;
/**
 * [ours] How far a client may fall behind: bytes queued for it (in `ws` and in its socket) beyond which it is
 * disconnected rather than buffered for without bound. At least two of the largest messages.
 */
const QUEUE_LIMIT = 8 * 1024 * 1024;

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
  const maxPayload =
    parseWhole('--max-payload', values['max-payload'], 1, MAX_PAYLOAD_CEILING, 'serve') ?? DEFAULT_MAX_PAYLOAD;
  const queueLimit = Math.max(QUEUE_LIMIT, 2 * maxPayload);
  const origins = parseOrigins(values['allow-origin']);
  const responseHeaders = parseHeaders('--header', values.header, 'serve');
  if (!secure && (values.hostname !== undefined || values['cert-dir'] !== undefined)) {
    throw new UsageError('--hostname and --cert-dir are for the certificate: add --tls', 'serve');
  }
  const log = new ServeLog(io, values.json === true);

  const certificates = secure ? serveCertificates(values.hostname ?? [], values['cert-dir']) : undefined;
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
    maxPayload,
    // A page open in the developer's browser must not read what the server broadcasts (cross-site WebSocket
    // hijacking): a browser always sends Origin; WeChat and native clients send none.
    verifyClient: ({ origin, req }, done) => {
      if (origin === undefined || isAllowedOrigin(origin, origins)) return done(true);
      log.refused(req, origin);
      done(
        false,
        403,
        `Origin ${origin} is not a loopback page: start wxsocket serve with --allow-origin ${origin} to let it connect.\n`,
        { 'Content-Type': 'text/plain' },
      );
    },
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
  const ids = new WeakMap<WebSocket, number>();
  wss.on('connection', (ws, request) => {
    const id = nextId++;
    log.open(id, request, ws.protocol, wss.clients.size);
    ids.set(ws, id);
    ws.on('message', (data, isBinary) => {
      const targets = mode === 'echo' ? [ws] : [...wss.clients].filter((client) => client.readyState === client.OPEN);
      log.message(id, data, isBinary, targets.length);
      for (const client of targets) {
        client.send(data, { binary: isBinary });
        // What `ws` and the socket hold for this client: it only grows when the client does not read.
        if (client.bufferedAmount > queueLimit) {
          log.dropped(ids.get(client) ?? 0, client.bufferedAmount, queueLimit);
          // Not close(): its frame would wait behind everything the client is not reading.
          client.terminate();
        }
      }
    });
    ws.on('close', (code, reason) => log.close(id, code, reason.toString(), wss.clients.size));
    ws.on('error', (error: Error & { code?: string }) =>
      log.error(
        id,
        error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          ? `a message over the ${formatSize(maxPayload)} limit (--max-payload): closing with 1009`
          : error.message,
      ),
    );
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
  log.listening(url, address, { mode, maxPayload, origins }, certificates?.caPath, values.hostname ?? []);

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
