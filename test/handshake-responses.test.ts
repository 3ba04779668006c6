/**
 * The opening handshake's response as the Node transport reads it (src/transports/http-upgrade.ts), end to end
 * through `createWx`, against raw TCP servers that answer with hand-written bytes: how the response is cut into
 * writes must not matter, what follows the head is the first of the WebSocket stream, and a response that is not a
 * valid upgrade fails the task as WeChat reports it (§2, §9.2: android 3.6.0, the default profile), its socket closed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createWx, wsTransport, type Transport, type TransportFailureKind } from '../src/node.js';
import { runTask, type WxEvent, type WxRun } from './testing/wx-run.js';

/** Every wait of this file is bounded by this: a test fails rather than hangs. */
const DEADLINE = 10_000;
/** The handshake timeout of each task: an answer the client waits for in vain fails the test with `Timer Expired`. */
const HANDSHAKE_TIMEOUT = 5000;

/** The failures of the default profile (android, base library 3.6.0), as test/handshake-failures.test.ts has them. */
const HTTP_FAILURE: WxEvent = {
  event: 'error',
  errMsg: 'open fail: _code:20,_msg:Invalid HTTP status.',
  errCode: 1004,
};
const TRANSPORT_FAILURE: WxEvent = {
  event: 'error',
  errMsg: 'open fail: _code:2,_msg:Underlying Transport Error',
  errCode: 1004,
};
const ABNORMAL_CLOSE: WxEvent = { event: 'close', code: 1006, reason: 'abnormal closure' };

/** A server's frames (unmasked): a text message, and a close with code 1000. */
const textFrame = (text: string) => Buffer.from([0x81, Buffer.byteLength(text), ...Buffer.from(text)]);
const CLOSE_FRAME = Buffer.from([0x88, 0x02, 0x03, 0xe8]);

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${DEADLINE} ms`)), DEADLINE);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** One connection as the server sees it, once the request head has arrived. */
interface Exchange {
  readonly socket: Socket;
  readonly request: string;
  /** The `Sec-WebSocket-Accept` that answers the request's key. */
  readonly accept: string;
  /** Resolves when the server's socket closes: the client let go of the connection. */
  readonly closed: Promise<void>;
}

const servers: Server[] = [];
const serverSockets = new Set<Socket>();
after(async () => {
  for (const socket of serverSockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * A TCP server on 127.0.0.1 that reads one request head and hands the connection to `respond`. Anything the client
 * sends after it (a close frame, once open) is answered with a close frame and the end of the stream, so that a
 * close completes without `ws`'s 30 s wait.
 */
async function rawServer(respond: (exchange: Exchange) => unknown) {
  let resolveExchange: (exchange: Exchange) => void = () => undefined;
  const exchange = new Promise<Exchange>((resolve) => (resolveExchange = resolve));
  const server = createServer((socket) => {
    serverSockets.add(socket);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // A reset from the client is a way for it to let go, not a failure of the server.
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', function readRequest(chunk: Buffer) {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      socket.removeListener('data', readRequest);
      socket.on('data', () => {
        if (socket.writableEnded) return;
        socket.write(CLOSE_FRAME);
        socket.end();
      });
      const key = /\r\nSec-WebSocket-Key: *([^\r]+)\r\n/i.exec(received)?.[1] ?? '';
      const accept = createHash('sha1')
        .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
        .digest('base64');
      const current: Exchange = { socket, request: received, accept, closed };
      resolveExchange(current);
      void Promise.resolve(respond(current)).catch((error: unknown) => socket.destroy(error as Error));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/`, exchange: within(exchange, 'the request') };
}

/** A valid 101 head for the exchange, with extra header lines. */
function switching({ accept }: Exchange, extra: readonly string[] = []): string {
  const lines = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, ...extra];
  return `HTTP/1.1 101 Switching Protocols\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes the bytes one at a time, each in a segment of its own (Nagle off, a pause between writes). */
async function writeByteByByte(socket: Socket, bytes: Buffer): Promise<void> {
  socket.setNoDelay(true);
  for (const byte of bytes) {
    if (socket.destroyed) return;
    socket.write(Buffer.from([byte]));
    await delay(1);
  }
}

/**
 * A `wx` of the default profile on the `ws` transport, with the transport's failures recorded as it reports them
 * (kind and error: the core keeps only the errMsg it chooses by kind), and whatever goes to `reportError`.
 */
function recordingWx() {
  const failures: { kind: TransportFailureKind; cause: Error }[] = [];
  const reported: unknown[] = [];
  const ws = wsTransport();
  const transport: Transport = (request, handlers) =>
    ws(request, {
      onOpen: (header, profile) => handlers.onOpen(header, profile),
      onMessage: (data) => handlers.onMessage(data),
      onError: (kind, cause) => {
        failures.push({ kind, cause });
        handlers.onError(kind, cause);
      },
      onClose: (code, reason, streamEnded) => handlers.onClose(code, reason, streamEnded),
    });
  const wx = createWx({ transport, reportError: (error) => reported.push(error) });
  return { wx, failures, reported };
}

function connect(url: string): WxRun & ReturnType<typeof recordingWx> {
  const recording = recordingWx();
  return { ...recording, ...runTask(recording.wx, { url, timeout: HANDSHAKE_TIMEOUT }) };
}

/** Closes an open task from the app's side and returns every event. */
async function closeOpen(run: WxRun): Promise<WxEvent[]> {
  await within(run.opened, 'onOpen');
  void run.task.close({});
  return within(run.closed, 'onClose');
}

describe('a valid upgrade, however it is written', () => {
  test('a 101 written a byte at a time opens; a frame in the same write as its last byte is the first message', async () => {
    const { url } = await rawServer(async (current) => {
      const head = Buffer.from(switching(current));
      await writeByteByByte(current.socket, head.subarray(0, -1));
      current.socket.write(Buffer.concat([head.subarray(-1), textFrame('first'), textFrame('second')]));
    });
    const run = connect(url);
    const events = await closeOpen(run);
    assert.deepEqual(events.slice(0, 3), [
      { event: 'open' },
      { event: 'message', data: 'first' },
      { event: 'message', data: 'second' },
    ]);
    assert.deepEqual(events.slice(3), [{ event: 'close', code: 1000, reason: '' }]);
    assert.deepEqual(run.failures, []);
    assert.deepEqual(run.reported, []);
  });

  test('a 101, a text frame and a close frame in one write: open, the message, then the close', async () => {
    const { url } = await rawServer((current) => {
      current.socket.write(Buffer.concat([Buffer.from(switching(current)), textFrame('hello'), CLOSE_FRAME]));
    });
    const run = connect(url);
    assert.deepEqual(await within(run.closed, 'onClose'), [
      { event: 'open' },
      { event: 'message', data: 'hello' },
      { event: 'close', code: 1000, reason: '' },
    ]);
    assert.deepEqual(run.failures, []);
  });

  test('a frame written a byte at a time after a 101 written the same way arrives whole', async () => {
    const { url } = await rawServer(async (current) => {
      await writeByteByByte(current.socket, Buffer.concat([Buffer.from(switching(current)), textFrame('slow')]));
      current.socket.write(CLOSE_FRAME);
    });
    const run = connect(url);
    assert.deepEqual(await within(run.closed, 'onClose'), [
      { event: 'open' },
      { event: 'message', data: 'slow' },
      { event: 'close', code: 1000, reason: '' },
    ]);
  });

  test('HTTP/1.1 100 Continue before the 101, in a write of its own, still opens', async () => {
    const { url } = await rawServer(async (current) => {
      current.socket.setNoDelay(true);
      current.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      await delay(20);
      current.socket.write(switching(current));
    });
    const run = connect(url);
    assert.deepEqual(await closeOpen(run), [{ event: 'open' }, { event: 'close', code: 1000, reason: '' }]);
    assert.deepEqual(run.failures, []);
  });

  test('100 Continue and 103 Early Hints in the same write as the 101: open, with the 101 headers only', async () => {
    const { url, exchange } = await rawServer((current) => {
      const informational =
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n';
      current.socket.write(informational + switching(current));
    });
    const run = connect(url);
    let header: Record<string, string> | undefined;
    run.task.onOpen((result) => (header = result.header as Record<string, string>));
    assert.deepEqual(await closeOpen(run), [{ event: 'open' }, { event: 'close', code: 1000, reason: '' }]);
    const { accept } = await exchange;
    assert.deepEqual(header, { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Accept': accept });
  });

  test("onOpen's header: the response headers with the names as sent, a repeated one joined with ', '", async () => {
    const extra = ['X-Custom-Name: v', 'x-lower-case:  spaced\t', 'X-Repeated: a', 'X-Repeated: b'];
    const { url, exchange } = await rawServer((current) => current.socket.write(switching(current, extra)));
    const run = connect(url);
    let header: Record<string, string> | undefined;
    run.task.onOpen((result) => (header = result.header as Record<string, string>));
    await closeOpen(run);
    const { accept } = await exchange;
    assert.deepEqual(header, {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Accept': accept,
      'X-Custom-Name': 'v',
      'x-lower-case': 'spaced',
      'X-Repeated': 'a, b',
    });
    assert.deepEqual(Object.keys(header!), [
      'Upgrade',
      'Connection',
      'Sec-WebSocket-Accept',
      'X-Custom-Name',
      'x-lower-case',
      'X-Repeated',
    ]);
  });
});

describe('a response that is not a valid upgrade: a handshake failure (§9.2 code 20), the socket closed', () => {
  const CASES = [
    {
      name: 'a 101 without Connection: Upgrade',
      head: (accept: string) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${accept}`,
      reason: 'Unexpected server response: 101',
    },
    {
      name: 'a 101 with Connection: keep-alive',
      head: (accept: string) =>
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: ${accept}`,
      reason: 'Unexpected server response: 101',
    },
    {
      name: 'a 403',
      head: () => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0',
      reason: 'Unexpected server response: 403',
    },
    {
      name: 'a 101 with a wrong Sec-WebSocket-Accept',
      head: () =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: d3Jvbmc=',
      reason: 'Invalid Sec-WebSocket-Accept header',
    },
  ];
  for (const { name, head, reason } of CASES) {
    test(`${name}: "${reason}"`, async () => {
      const { url, exchange } = await rawServer((current) => current.socket.write(`${head(current.accept)}\r\n\r\n`));
      const run = connect(url);
      assert.deepEqual(await within(run.closed, 'onClose'), [HTTP_FAILURE, ABNORMAL_CLOSE]);
      assert.equal(run.failures.length, 1);
      assert.equal(run.failures[0]!.kind, 'handshake');
      assert.equal(run.failures[0]!.cause.message, reason);
      assert.deepEqual(run.reported, []);
      await within((await exchange).closed, "the client's socket closing");
    });
  }
});

describe('no HTTP response: a transport failure (§9.2 code 2), then onClose 1006, the socket closed', () => {
  const big = `HTTP/1.1 101 Switching Protocols\r\nX-Big: ${'a'.repeat(17 * 1024)}`;
  const CASES = [
    { name: 'a response that is not HTTP', bytes: 'garbage\r\n\r\n', code: 'HPE_INVALID_CONSTANT' },
    {
      name: 'a header line without a colon',
      bytes: 'HTTP/1.1 101 OK\r\nNoColon\r\n\r\n',
      code: 'HPE_INVALID_HEADER_TOKEN',
    },
    { name: 'a head over 16 KiB, complete', bytes: `${big}\r\n\r\n`, code: 'HPE_HEADER_OVERFLOW' },
    { name: 'a head over 16 KiB, its blank line never sent', bytes: big, code: 'HPE_HEADER_OVERFLOW' },
  ];
  for (const { name, bytes, code } of CASES) {
    test(`${name}: ${code}`, async () => {
      const { url, exchange } = await rawServer((current) => current.socket.write(bytes));
      const run = connect(url);
      assert.deepEqual(await within(run.closed, 'onClose'), [TRANSPORT_FAILURE, ABNORMAL_CLOSE]);
      assert.equal(run.failures.length, 1);
      assert.equal(run.failures[0]!.kind, 'transport');
      assert.equal((run.failures[0]!.cause as Error & { code?: unknown }).code, code);
      assert.deepEqual(run.reported, []);
      await within((await exchange).closed, "the client's socket closing");
    });
  }

  const HANG_UPS = [
    { name: 'the server ends the connection after reading the request', end: (socket: Socket) => socket.end() },
    {
      name: 'the server ends the connection after half a status line',
      end: (socket: Socket) => socket.end('HTTP/1.1 101 Swi'),
    },
    {
      name: 'the server ends the connection after a head without its blank line',
      end: (socket: Socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'),
    },
    {
      name: 'the server resets the connection after reading the request',
      end: (socket: Socket) => socket.resetAndDestroy(),
    },
  ];
  for (const { name, end } of HANG_UPS) {
    test(name, async () => {
      const { url, exchange } = await rawServer((current) => {
        end(current.socket);
      });
      const run = connect(url);
      assert.deepEqual(await within(run.closed, 'onClose'), [TRANSPORT_FAILURE, ABNORMAL_CLOSE]);
      assert.equal(run.failures.length, 1);
      assert.equal(run.failures[0]!.kind, 'transport');
      assert.equal((run.failures[0]!.cause as Error & { code?: unknown }).code, 'ECONNRESET');
      assert.deepEqual(run.reported, []);
      await within((await exchange).closed, "the client's socket closing");
    });
  }
});
