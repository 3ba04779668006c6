/**
 * The Node side of the browser conformance run: one HTTP server on 127.0.0.1 that serves the page and the bundle of
 * the conformance suites, and a control channel (a WebSocket at `/control`) through which the page starts test-kit
 * servers and drives them (rpc.ts has the calls). Everything a page started is closed when its control connection
 * closes, and everything at all when `close()` is called.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConformanceServer, ServerClient } from '../conformance/env.js';
import { startNodeServer } from '../conformance/node-env.js';
import { decodeData, encodeData, type Methods, type Request, type Response } from './rpc.js';

const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>wxsocket conformance in the browser</title>
<h1>wxsocket conformance</h1>
<p id="status">loading…</p>
<script type="module" src="/conformance.js"></script>
</html>
`;

/** `node:assert/strict` becomes the page's shim; any other Node built-in is an error (the suites must not use one). */
const browserOnly: Plugin = {
  name: 'browser-only',
  setup(build) {
    build.onResolve({ filter: /^node:assert(\/strict)?$|^assert(\/strict)?$/ }, () => ({
      path: fileURLToPath(new URL('./assert.ts', import.meta.url)),
    }));
    build.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${args.importer}: conformance suites must not use Node built-ins` }],
    }));
  },
};

/** Bundles the in-page runner with every suite and the browser entry, as Chromium will load it. */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
    plugins: [browserOnly],
  });
  return result.outputFiles[0]!.text;
}

export interface ControlServer {
  /** The page's URL, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** Closes every test server, every connection and the HTTP server. */
  close(): Promise<void>;
}

/** Starts the control server on 127.0.0.1, port 0. */
export async function startControlServer(): Promise<ControlServer> {
  const bundle = await bundlePage();
  const sessions = new Set<Session>();
  const http = createServer((request, response) => serve(request, response, bundle));
  const control = new WebSocketServer({ server: http, path: '/control', maxPayload: 64 * 1024 * 1024 });
  control.on('connection', (socket) => {
    const session = new Session(socket);
    sessions.add(session);
    socket.on('close', () => {
      sessions.delete(session);
      void session.dispose();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      for (const socket of control.clients) socket.terminate();
      await Promise.all([...sessions].map((session) => session.dispose()));
      control.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function serve(request: IncomingMessage, response: ServerResponse, bundle: string): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/' || path === '/index.html') return send(response, 200, 'text/html; charset=utf-8', PAGE);
  if (path === '/conformance.js') return send(response, 200, 'text/javascript; charset=utf-8', bundle);
  send(response, 404, 'text/plain', 'not found\n');
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

type Handlers = { [M in keyof Methods]: (params: Methods[M]['params']) => Promise<Methods[M]['result']> };

/** One page's control connection: the servers and server-side clients it started, by number. */
class Session {
  readonly #socket: WebSocket;
  readonly #servers = new Map<number, ConformanceServer>();
  readonly #clients = new Map<number, ServerClient>();
  #next = 1;
  #disposed: Promise<void> | undefined;

  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => void this.#handle(String(data)));
  }

  async #handle(text: string): Promise<void> {
    const request = JSON.parse(text) as Request;
    let response: Response;
    try {
      const handler = this.#handlers[request.method] as (params: unknown) => Promise<unknown>;
      if (typeof handler !== 'function') throw new Error(`unknown method ${String(request.method)}`);
      response = { id: request.id, result: (await handler(request.params)) ?? null };
    } catch (error) {
      response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(response));
  }

  #server(id: number): ConformanceServer {
    const server = this.#servers.get(id);
    if (!server) throw new Error(`no server ${id}`);
    return server;
  }

  #client(id: number): ServerClient {
    const client = this.#clients.get(id);
    if (!client) throw new Error(`no client ${id}`);
    return client;
  }

  readonly #handlers: Handlers = {
    startServer: async ({ options }) => {
      const server = await startNodeServer(options);
      const id = this.#next++;
      this.#servers.set(id, server);
      return { server: id, url: server.url };
    },
    nextConnection: async ({ server }) => {
      const client = await this.#server(server).nextConnection();
      const id = this.#next++;
      this.#clients.set(id, client);
      return { client: id };
    },
    handshakes: async ({ server }) => [...(await this.#server(server).handshakes())],
    connectionCount: ({ server }) => this.#server(server).connectionCount(),
    closeServer: async ({ server }) => {
      const found = this.#servers.get(server);
      this.#servers.delete(server);
      await found?.close();
      return null;
    },
    nextMessage: async ({ client }) => {
      const { data, binary } = await this.#client(client).nextMessage();
      return { data: encodeData(data), binary };
    },
    send: async ({ client, data }) => {
      await this.#client(client).send(decodeData(data));
      return null;
    },
    close: ({ client, code, reason }) => this.#client(client).close(code, reason),
    waitForClose: ({ client }) => this.#client(client).waitForClose(),
    inject: async ({ client, fault }) => {
      await this.#client(client).inject(fault);
      return null;
    },
  };

  /** Closes every server this page started (once). */
  dispose(): Promise<void> {
    this.#disposed ??= Promise.allSettled([...this.#servers.values()].map((server) => server.close())).then(() => {
      this.#servers.clear();
      this.#clients.clear();
    });
    return this.#disposed;
  }
}
