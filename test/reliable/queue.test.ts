// The send queue against a real server: queued until open, flushed in order after the restore hook, bounded with
// both overflow policies, and no queued message lost or duplicated across reconnections (TCP drops, a server
// restart, a send still unconfirmed when the connection died).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createReliableSocket, type ReliableSocket, type ReliableSocketOptions } from '../../src/reliable/index.js';
import { type TestClient, type TestServerOptions } from '../../src/testing/index.js';
import { EventLog, ManualTimers, TrackedWx } from './helpers.js';
import { serversClosedAfter } from '../helpers/servers.js';

const start = serversClosedAfter();

async function setUp(serverOptions: TestServerOptions = {}, options: Partial<ReliableSocketOptions> = {}) {
  const server = await start(serverOptions);
  const wx = new TrackedWx(createWx({ ...server.wxOptions }));
  const timers = new ManualTimers();
  const socket = createReliableSocket(wx, {
    url: server.url,
    reconnect: { initialDelay: 100, jitter: 0 },
    timers,
    ...options,
  });
  const log = new EventLog(socket);
  return { server, wx, timers, socket, log };
}

/**
 * Every text message the server receives, across all its connections, in arrival order; `count(n)` resolves once
 * `n` have arrived.
 */
class Received {
  readonly messages: string[] = [];
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];

  readonly handler = (client: TestClient): void => {
    client.onMessage((message) => {
      this.messages.push(String(message.data));
      for (const waiter of [...this.#waiters]) {
        if (this.messages.length >= waiter.count) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  };

  count(count: number, timeout = 5000): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${count} messages (got ${this.messages.length})`)),
        timeout,
      );
      this.#waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

async function closeForGood(socket: ReliableSocket, log: EventLog, wx: TrackedWx): Promise<void> {
  socket.close();
  const closed = await log.next('close');
  assert.equal(closed.final, true);
  assert.equal(socket.state, 'closed');
  assert.equal(wx.alive, 0);
  assert.equal(wx.maxAlive, 1, 'never more than one live task');
}

describe('sending before the connection opens', () => {
  test('messages sent while connecting are queued and arrive in order once open', async () => {
    const { server, wx, socket, log } = await setUp();
    assert.equal(socket.state, 'connecting');
    assert.equal(socket.send('one'), 'queued');
    assert.equal(socket.send(new TextEncoder().encode('two').buffer as ArrayBuffer), 'queued');
    assert.equal(socket.queued, 2);
    const client = await server.nextConnection();
    await log.next('open');
    assert.equal(socket.send('three'), 'sent');
    assert.deepEqual(await client.nextMessage(), { data: 'one', binary: false });
    const two = await client.nextMessage();
    assert.equal(two.binary, true);
    assert.equal(Buffer.from(two.data as Buffer).toString(), 'two');
    assert.deepEqual(await client.nextMessage(), { data: 'three', binary: false });
    await closeForGood(socket, log, wx);
  });

  test('an ArrayBuffer is copied when sent: changing it afterwards changes nothing', async () => {
    const { server, wx, socket, log } = await setUp();
    const bytes = new Uint8Array([1, 2, 3]);
    socket.send(bytes.buffer);
    bytes[0] = 9;
    const client = await server.nextConnection();
    const message = await client.nextMessage();
    assert.deepEqual([...(message.data as Buffer)], [1, 2, 3]);
    await closeForGood(socket, log, wx);
  });

  test('the restore hook sends first, then the queue, then the open event', async () => {
    const order: string[] = [];
    const { server, wx, socket, log } = await setUp(
      {},
      {
        restore: ({ send, reconnected }) => {
          order.push(`restore reconnected=${reconnected}`);
          send('login');
        },
      },
    );
    socket.on('open', () => order.push('open'));
    socket.send('queued message');
    const client = await server.nextConnection();
    await log.next('open');
    assert.deepEqual(order, ['restore reconnected=false', 'open']);
    assert.equal((await client.nextMessage()).data, 'login');
    assert.equal((await client.nextMessage()).data, 'queued message');
    await closeForGood(socket, log, wx);
  });

  test('send with something other than a string or an ArrayBuffer throws a TypeError', async () => {
    const { wx, socket, log } = await setUp();
    assert.throws(() => socket.send(new Uint8Array(2) as never), TypeError);
    assert.throws(() => socket.send({} as never), TypeError);
    await log.next('open');
    await closeForGood(socket, log, wx);
  });
});

describe('a bounded queue', () => {
  test("'drop-oldest' evicts the oldest waiting message and reports it", async () => {
    const { server, wx, socket, log } = await setUp({}, { queue: { limit: 2 } });
    assert.equal(socket.send('a'), 'queued');
    assert.equal(socket.send('b'), 'queued');
    assert.equal(socket.send('c'), 'queued');
    assert.deepEqual(log.all('drop'), [{ data: 'a', reason: 'overflow' }]);
    const client = await server.nextConnection();
    assert.equal((await client.nextMessage()).data, 'b');
    assert.equal((await client.nextMessage()).data, 'c');
    await closeForGood(socket, log, wx);
  });

  test("'drop-newest' refuses the new message: send returns 'dropped' and nothing is reported", async () => {
    const { server, wx, socket, log } = await setUp({}, { queue: { limit: 1, overflow: 'drop-newest' } });
    assert.equal(socket.send('a'), 'queued');
    assert.equal(socket.send('b'), 'dropped');
    assert.deepEqual(log.all('drop'), []);
    const client = await server.nextConnection();
    assert.equal((await client.nextMessage()).data, 'a');
    await log.next('open');
    await closeForGood(socket, log, wx);
  });

  test('limit 0 turns queueing off', async () => {
    const { wx, socket, log } = await setUp({}, { queue: { limit: 0 } });
    assert.equal(socket.send('a'), 'dropped');
    await log.next('open');
    assert.equal(socket.send('b'), 'sent');
    await closeForGood(socket, log, wx);
  });

  test("close() drops what is still queued, each with a 'closed' drop event before the final close", async () => {
    const { server, wx, socket, log, timers } = await setUp({ fault: { type: 'refuse' } });
    await log.next('close'); // the refused attempt
    timers.find(100);
    socket.send('x');
    socket.send('y');
    socket.close();
    assert.deepEqual(log.types.slice(-3), ['drop', 'drop', 'close']);
    assert.deepEqual(log.all('drop'), [
      { data: 'x', reason: 'closed' },
      { data: 'y', reason: 'closed' },
    ]);
    assert.equal(log.all('close').at(-1)?.final, true);
    assert.equal(socket.send('z'), 'dropped');
    assert.equal(timers.pending.length, 0);
    assert.equal(wx.alive, 0);
    assert.equal(server.clients.length, 0);
  });
});

describe('no queued message is lost or duplicated across a reconnection', () => {
  test('TCP drops with no close frame: messages sent meanwhile arrive once, in order', async () => {
    const received = new Received();
    const { server, wx, socket, log, timers } = await setUp({ handler: received.handler });
    const sent: string[] = [];
    const send = (text: string): void => {
      sent.push(text);
      socket.send(text);
    };
    for (let round = 0; round < 3; round++) {
      const client = await server.nextConnection();
      await log.next('open');
      timers.fire(5000); // up for minUptime: the next loss starts the backoff again from initialDelay
      send(`open ${round}`);
      // Drop when the pipe is quiet: what a transport already took is beyond any client's reach (see the docs).
      await received.count(sent.length);
      void client.inject({ type: 'drop', reset: round % 2 === 1 });
      const closed = await log.next('close');
      assert.equal(closed.code, 1006);
      assert.equal(socket.state, 'waiting');
      send(`waiting ${round} a`);
      send(`waiting ${round} b`);
      timers.fire(100); // the first attempt after a loss: initialDelay
    }
    await server.nextConnection();
    await log.next('open');
    send('last');
    await received.count(sent.length);
    assert.deepEqual(received.messages, sent);
    assert.equal(socket.queued, 0);
    await closeForGood(socket, log, wx);
  });

  test('a server restart (close 1012, then refusing for a while): the queue is delivered once to the new server', async () => {
    const received = new Received();
    const { server, wx, socket, log, timers } = await setUp({ handler: received.handler });
    const first = await server.nextConnection();
    await log.next('open');
    socket.send('before');
    await first.nextMessage();
    // The restart: connections are closed with "service restart", and the next two connections are refused.
    let refused = 2;
    server.setFault(() => (refused-- > 0 ? { type: 'refuse' } : undefined));
    await first.close(1012, 'service restart');
    assert.deepEqual(await log.next('close'), { code: 1012, reason: 'service restart', final: false });
    socket.send('during 1');
    for (let attempt = 1; attempt <= 2; attempt++) {
      const reconnecting = await log.next('reconnecting');
      assert.equal(reconnecting.attempt, attempt);
      timers.fire(reconnecting.delay);
      assert.equal((await log.next('error')).errMsg, 'open fail: _code:2,_msg:Underlying Transport Error');
      await log.next('close');
      socket.send(`during ${attempt + 1}`);
    }
    timers.fire((await log.next('reconnecting')).delay);
    await server.nextConnection();
    assert.equal((await log.next('open')).reconnected, true);
    await received.count(4);
    assert.deepEqual(received.messages, ['before', 'during 1', 'during 2', 'during 3']);
    await closeForGood(socket, log, wx);
  });

  test("under onDisconnect 'drop', messages waiting when an attempt or a connection is lost are dropped", async () => {
    const { server, wx, socket, log, timers } = await setUp(
      { fault: ({ number }) => (number === 1 ? { type: 'refuse' } : undefined) },
      { queue: { onDisconnect: 'drop' } },
    );
    assert.equal(socket.send('stale'), 'queued');
    await log.next('close'); // the refused first attempt
    assert.deepEqual(log.all('drop'), [{ data: 'stale', reason: 'disconnected' }]);
    assert.equal(socket.send('fresh'), 'queued', 'messages sent after the loss wait for the next connection');
    timers.fire(100);
    const client = await server.nextConnection();
    assert.equal((await client.nextMessage()).data, 'fresh');
    await log.next('open');
    await closeForGood(socket, log, wx);
  });
});
