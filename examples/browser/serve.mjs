#!/usr/bin/env node
// A page to watch a wx socket session in the browser: `wx.connectSocket` from wxsocket's browser build (over the
// browser's own WebSocket) talking to a local wxsocket test server that echoes, with buttons to make the server
// push, close or drop the connection.
//
// Run: npm run build && node examples/browser/serve.mjs [--port N]   then open the URL it prints.
//
// It serves three things on 127.0.0.1: the page (index.html, page.js), the browser build bundled by esbuild from the
// package itself (`import ... from 'wxsocket'` resolves through the `browser` export condition), and a few
// endpoints that act on the test server's side of the connection.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createTestServer, echo } from 'wxsocket/testing';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Bundles the package's browser entry as a bundler would pick it: platform browser, `browser` condition. */
async function bundleBrowserBuild() {
  const result = await build({
    stdin: {
      contents: "export { createWx, NEWEST_SDK_VERSION } from 'wxsocket';",
      resolveDir: here,
      sourcefile: 'wxsocket-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/**
 * Starts the example: a wxsocket test server (ws, echo) and the page's HTTP server, both on 127.0.0.1.
 * Resolves with `{url, socketUrl, close}`; `close()` stops both.
 */
export async function startExample({ port = 0 } = {}) {
  const [bundle, html, script] = await Promise.all([
    bundleBrowserBuild(),
    readFile(new URL('./index.html', import.meta.url), 'utf8'),
    readFile(new URL('./page.js', import.meta.url), 'utf8'),
  ]);
  let latest; // the server's side of the newest connection
  const socketServer = await createTestServer({
    headers: { 'X-Served-By': 'wxsocket example' },
    handler: (client) => {
      latest = client;
      echo(client);
    },
  });
  const actions = {
    push: () => latest.send(`pushed by the server at ${new Date().toISOString()}`),
    close: () => latest.close(4100, 'closed by the server'),
    drop: () => latest.inject({ type: 'drop' }),
  };
  const files = {
    '/': ['text/html; charset=utf-8', html],
    '/page.js': ['text/javascript; charset=utf-8', script],
    '/wxsocket.js': ['text/javascript; charset=utf-8', bundle],
    '/config.json': ['application/json', JSON.stringify({ url: socketServer.url })],
  };
  const http = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const action =
      request.method === 'POST' && path.startsWith('/server/') ? actions[path.slice('/server/'.length)] : undefined;
    if (action) {
      if (!latest?.isOpen) return reply(response, 409, 'text/plain', 'no open connection\n');
      try {
        await action();
        return reply(response, 204, 'text/plain', '');
      } catch (error) {
        return reply(response, 500, 'text/plain', `${error}\n`);
      }
    }
    if (path === '/favicon.ico') return reply(response, 204, 'text/plain', '');
    const file = request.method === 'GET' ? files[path] : undefined;
    if (file) return reply(response, 200, ...file);
    reply(response, 404, 'text/plain', 'not found\n');
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${http.address().port}/`;
  return {
    url,
    socketUrl: socketServer.url,
    async close() {
      http.closeAllConnections();
      await Promise.all([new Promise((resolve) => http.close(resolve)), socketServer.close()]);
    },
  };
}

function reply(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf('--port');
  const port = index === -1 ? 0 : Number(process.argv[index + 1]);
  const example = await startExample({ port });
  console.log(`wxsocket browser example: open ${example.url}`);
  console.log(`(test server: ${example.socketUrl}; add ?auto to the page URL to run a scripted session; Ctrl+C stops)`);
  const stop = () => void example.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
