// `wxsocket serve`: a real server to try clients against. Driven by wx clients in this process (and once by the
// connect command), stopped with SIGTERM.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import { createWx, wsTransport, type SocketTask, type WxOptions } from '../../src/node.js';
import { buildCli, jsonLines, runCli, startCli, type CliProcess } from './cli-helpers.js';

before(buildCli);

/** A task with its events as promises and its messages in arrival order. */
interface Client {
  readonly task: SocketTask;
  readonly opened: Promise<Record<string, string>>;
  readonly closed: Promise<{ code: number; reason: string }>;
  nextMessage(): Promise<string | ArrayBuffer>;
}

function connect(url: string, options: WxOptions = {}, protocols?: string[]): Client {
  const wx = createWx(options);
  const task = wx.connectSocket({ url, ...(protocols && { protocols }) });
  const received: Array<string | ArrayBuffer> = [];
  const waiting: Array<(data: string | ArrayBuffer) => void> = [];
  task.onMessage(({ data }) => {
    const waiter = waiting.shift();
    if (waiter) waiter(data);
    else received.push(data);
  });
  const opened = new Promise<Record<string, string>>((resolve, reject) => {
    task.onOpen(({ header }) => resolve(header));
    task.onError(({ errMsg }) => reject(new Error(errMsg)));
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => task.onClose(resolve));
  return {
    task,
    opened,
    closed,
    nextMessage: () => {
      const first = received.shift();
      return first !== undefined ? Promise.resolve(first) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Starts `serve` and resolves with the process and its URL once it listens. */
async function serve(args: string[]): Promise<{ cli: CliProcess; url: string }> {
  const cli = startCli(['serve', '--port', '0', ...args]);
  const listening = args.includes('--json') ? /"url":"(wss?:\/\/[^"]+)"/ : /listening on (wss?:\/\/\S+)/;
  try {
    const out = await cli.waitFor(listening);
    return { cli, url: listening.exec(out)![1]! };
  } catch (error) {
    cli.signal('SIGKILL');
    throw error;
  }
}

async function stop(cli: CliProcess): Promise<{ code: number | null; stdout: string }> {
  cli.signal('SIGTERM');
  return cli.exited();
}

describe('wxsocket serve', () => {
  test('broadcasts each message to every client, its sender included, logs it, and stops on SIGTERM with 1001', async () => {
    const { cli, url } = await serve([]);
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const a = connect(url);
    await a.opened;
    await cli.waitFor(/#1 open/);
    const b = connect(url);
    await b.opened;
    await cli.waitFor(/#2 open/);
    void a.task.send({ data: 'to everyone' });
    assert.equal(await a.nextMessage(), 'to everyone');
    assert.equal(await b.nextMessage(), 'to everyone');
    void b.task.send({ data: new Uint8Array([1, 2]).buffer });
    assert.deepEqual([...new Uint8Array((await a.nextMessage()) as ArrayBuffer)], [1, 2]);
    const result = await stop(cli);
    assert.equal(result.code, 0);
    assert.deepEqual(await a.closed, { code: 1001, reason: 'server stopping' });
    assert.deepEqual(await b.closed, { code: 1001, reason: 'server stopping' });
    assert.match(result.stdout, /#1 message {2}"to everyone" → 2 clients/);
    assert.match(result.stdout, /#2 message {2}binary\(2\) <01 02> → 2 clients/);
    assert.match(result.stdout, /stopped\n$/);
  });

  test('--mode echo answers the sender only', async () => {
    const { cli, url } = await serve(['--mode', 'echo']);
    try {
      const a = connect(url);
      const b = connect(url);
      await Promise.all([a.opened, b.opened]);
      void a.task.send({ data: 'a' });
      assert.equal(await a.nextMessage(), 'a');
      void b.task.send({ data: 'b' });
      assert.equal(await b.nextMessage(), 'b', 'b never got a');
    } finally {
      await stop(cli);
    }
  });

  test('--tls prints the path of a generated CA; a wx client trusting it reaches --hostname under the domain check; the folder goes on exit', async () => {
    const { cli, url } = await serve(['--tls', '--hostname', 'chat.example.test']);
    const caPath = /CA certificate: (\S+)/.exec(cli.stdout)![1]!;
    assert.match(url, /^wss:\/\/localhost:\d+$/);
    const port = new URL(url).port;
    assert.match(
      cli.stdout,
      new RegExp(
        `or: wxsocket connect wss://chat\\.example\\.test:${port} --ca \\S+ --resolve chat\\.example\\.test:127\\.0\\.0\\.1 --domain chat\\.example\\.test`,
      ),
    );
    const options: WxOptions = {
      tls: { ca: readFileSync(caPath, 'utf8') },
      transport: wsTransport({ hosts: { 'chat.example.test': '127.0.0.1' } }),
      domains: ['chat.example.test'],
    };
    const client = connect(`wss://chat.example.test:${port}`, options);
    await client.opened;
    void client.task.send({ data: 'secure' });
    assert.equal(await client.nextMessage(), 'secure');
    const result = await stop(cli);
    assert.equal(result.code, 0);
    assert.equal(existsSync(dirname(caPath)), false);
  });

  test('--cert-dir keeps ca.pem where asked', async () => {
    await withCertDir(async (dir) => {
      const { cli } = await serve(['--tls', '--cert-dir', dir]);
      assert.match(cli.stdout, new RegExp(`CA certificate: ${join(dir, 'ca.pem').replace(/[.\\]/g, '\\$&')}`));
      await stop(cli);
      assert.match(readFileSync(join(dir, 'ca.pem'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    });
  });

  test('--cert-dir: a restart on the folder serves the same CA and certificate, so a client made before reconnects', async () => {
    await withCertDir(async (dir) => {
      const first = await serve(['--tls', '--cert-dir', dir]);
      const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
      const options = { tls: { ca } }; // read once, as a client configured before the restart holds it
      const before = connect(first.url, options);
      await before.opened;
      await stop(first.cli);
      assert.equal((statSync(join(dir, 'key.pem')).mode & 0o777).toString(8), '600', "the server's key is private");

      const second = await serve(['--tls', '--cert-dir', dir, '--port', new URL(first.url).port]);
      try {
        assert.equal(readFileSync(join(dir, 'ca.pem'), 'utf8'), ca);
        const after = connect(second.url, options);
        await after.opened;
        void after.task.send({ data: 'same server' });
        assert.equal(await after.nextMessage(), 'same server');
      } finally {
        await stop(second.cli);
      }
      // A name the kept certificate does not cover: new certificates, from a new CA, replace them.
      const renamed = await serve(['--tls', '--cert-dir', dir, '--hostname', 'chat.example.test']);
      await stop(renamed.cli);
      assert.notEqual(readFileSync(join(dir, 'ca.pem'), 'utf8'), ca);
    });
  });

  test('--cert-dir: a key.pem left there readable by others is replaced by one readable by its owner only', async () => {
    await withCertDir(async (dir) => {
      const key = join(dir, 'key.pem');
      writeFileSync(key, 'not a key', { mode: 0o644 });
      chmodSync(key, 0o644); // whatever the umask
      await stop((await serve(['--tls', '--cert-dir', dir])).cli);
      assert.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
      assert.equal((statSync(key).mode & 0o777).toString(8), '600');
    });
  });

  test('--protocol selects among the offered subprotocols; --header adds to the 101', async () => {
    const { cli, url } = await serve(['--protocol', 'chat', '--header', 'X-Test: 1']);
    try {
      const header = await connect(url, {}, ['other', 'chat']).opened;
      assert.equal(header['Sec-WebSocket-Protocol'], 'chat');
      assert.equal(header['X-Test'], '1');
      // None of the offered ones: no subprotocol selected, so the handshake fails as in WeChat (§1).
      await assert.rejects(connect(url, {}, ['mqtt']).opened, /code:20/);
    } finally {
      await stop(cli);
    }
  });

  test('--json logs one JSON object per event', async () => {
    const { cli, url } = await serve(['--json']);
    const client = connect(url);
    await client.opened;
    void client.task.send({ data: 'logged' });
    await client.nextMessage();
    void client.task.close({ code: 4000, reason: 'bye' });
    await client.closed;
    await cli.waitFor(/"type":"close"/);
    const result = await stop(cli);
    const events = jsonLines(result.stdout);
    assert.deepEqual(
      events.map((event) => event['type']),
      ['listening', 'open', 'message', 'close', 'stopped'],
    );
    assert.equal(events[2]!['text'], 'logged');
    assert.deepEqual([events[3]!['code'], events[3]!['reason']], [4000, 'bye']);
  });

  test('a port in use: exit 1 and a way out', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runCli(['serve', '--port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(
          `cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is in use: choose another with --port, or --port 0 for a free one`,
        ),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('wxsocket connect talks to wxsocket serve', async () => {
    const { cli, url } = await serve(['--tls']);
    try {
      const caPath = /CA certificate: (\S+)/.exec(cli.stdout)![1]!;
      const result = await runCli(['connect', url, '--ca', caPath, '--send', 'round trip', '--wait', '1']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /task\.onMessage +\{data: "round trip"\}/);
    } finally {
      await stop(cli);
    }
  });
});

/** Runs `body` with a new empty folder for --cert-dir, removed afterwards whatever `body` did. */
async function withCertDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wxsocket-cli-serve-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A `ws` client (not a wx one: these tests need an Origin header, a deflated 95 MiB message, a client that stops
 * reading).
 */
function rawClient(url: string, options: ClientOptions = {}): WebSocket {
  const ws = new WebSocket(url, options);
  ws.on('error', () => undefined);
  return ws;
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

function closedWith(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** The next message `ws` receives. */
function nextRaw(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(data as Buffer)));
}

/**
 * A client that completes the opening handshake by hand and then never reads again (its socket paused): what
 * the server queues for it can only grow.
 */
async function neverReading(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = netConnect({ host: hostname, port: Number(port) });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head));
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
  });
  return socket;
}

describe('wxsocket serve keeps itself alive and its memory bounded', () => {
  test('a long message is logged as a bounded preview with its full size, for people and in --json', async () => {
    for (const json of [false, true]) {
      const { cli, url } = await serve(json ? ['--json'] : []);
      try {
        const ws = rawClient(url);
        await opened(ws);
        const text = `${'é'.repeat(10)}${'x'.repeat(512 * 1024)}`;
        const echoed = nextRaw(ws);
        ws.send(text);
        assert.equal((await echoed).length, Buffer.byteLength(text));
        const line = (await cli.waitFor(json ? /"type":"message".*\n/ : /#1 message .*\n/))
          .split('\n')
          .find((l) => (json ? l.includes('"type":"message"') : l.includes('#1 message')))!;
        assert.ok(line.length < 2_000, `a log line of ${line.length} characters`);
        if (json) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          assert.equal(entry['bytes'], Buffer.byteLength(text));
          assert.equal(entry['truncated'], true);
          assert.ok(text.startsWith(entry['text'] as string), 'the preview is the start of the text, whole characters');
        } else {
          assert.match(line, /"é{10}x{70}…" \(512\.0 KiB of text\) → 1 client/);
        }
        ws.close();
      } finally {
        await stop(cli);
      }
    }
  });

  test('a message over --max-payload (95 MiB of U+0001, about 100 KB deflated) closes its sender with 1009; the server goes on', async () => {
    const { cli, url } = await serve([]);
    try {
      const big = rawClient(url, { perMessageDeflate: true });
      await opened(big);
      const closed = closedWith(big);
      big.send('\u0001'.repeat(95 * 1024 * 1024));
      assert.equal(await closed, 1009);
      await cli.waitFor(/#1 close /, 30_000);
      assert.match(cli.stdout, /#1 error +a message over the 1\.0 MiB limit \(--max-payload\)/);
      const next = rawClient(url);
      await opened(next);
      const echoed = nextRaw(next);
      next.send('still here');
      assert.equal((await echoed).toString(), 'still here');
      next.close();
    } finally {
      const result = await stop(cli);
      assert.equal(result.code, 0);
    }
  });

  test('a client that never reads is disconnected once its queue passes the limit; the others go on', async () => {
    const { cli, url } = await serve(['--json']);
    try {
      const sender = rawClient(url);
      await opened(sender);
      const stalled = await neverReading(url);
      await cli.waitFor(/"type":"open","client":2/, 30_000);
      const message = randomBytes(512 * 1024);
      let dropped: Record<string, unknown> | undefined;
      // Each round waits for the sender's own copy, so the server has queued the stalled client's copy by then. The
      // kernel's socket buffers take some megabytes before anything queues in the server: 32 MiB in all is plenty.
      for (let round = 0; round < 64 && dropped === undefined; round++) {
        const echoed = nextRaw(sender);
        sender.send(message);
        await echoed;
        if (cli.stdout.includes('"type":"dropped"'))
          dropped = jsonLines(cli.stdout).find((entry) => entry['type'] === 'dropped');
      }
      assert.ok(dropped, 'the stalled client was never dropped');
      assert.equal(dropped['client'], 2);
      const limit = 8 * 1024 * 1024;
      assert.equal(dropped['limit'], limit);
      assert.ok(
        (dropped['queued'] as number) > limit && (dropped['queued'] as number) <= limit + message.length,
        `queued ${String(dropped['queued'])}`,
      );
      await cli.waitFor(/"type":"close","client":2/, 30_000);
      const echoed = nextRaw(sender);
      sender.send('after');
      assert.equal((await echoed).toString(), 'after');
      stalled.destroy();
      sender.close();
    } finally {
      await stop(cli);
    }
  });

  test('a page from another origin is refused with 403 and a reason; loopback pages and clients without Origin are not', async () => {
    const { cli, url } = await serve([]);
    try {
      const foreign = rawClient(url, { origin: 'https://evil.example' });
      const response = await new Promise<{ status: number; body: string }>((resolve) => {
        foreign.once('open', () => resolve({ status: 101, body: '' }));
        foreign.once('unexpected-response', (_request, res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
      });
      foreign.terminate();
      assert.equal(response.status, 403);
      assert.match(response.body, /Origin https:\/\/evil\.example is not a loopback page: start .*--allow-origin/);
      await cli.waitFor(/refused .*Origin https:\/\/evil\.example/, 30_000);
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8000', 'http://[::1]', undefined]) {
        const ws = rawClient(url, origin === undefined ? {} : { origin });
        await opened(ws);
        ws.close();
      }
    } finally {
      await stop(cli);
    }
  });

  test('--allow-origin lets a page from that origin connect (and * any page)', async () => {
    for (const allowed of ['https://app.example', '*']) {
      const { cli, url } = await serve(['--allow-origin', allowed]);
      try {
        const ws = rawClient(url, { origin: 'https://app.example' });
        await opened(ws);
        ws.close();
        if (allowed !== '*')
          await assert.rejects(opened(rawClient(url, { origin: 'https://other.example' })), /HTTP 403/);
      } finally {
        await stop(cli);
      }
    }
  });
});
