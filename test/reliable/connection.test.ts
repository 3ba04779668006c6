// The reliable socket against real servers and the test kit's faults: backoff timings while a server refuses,
// dead-connection detection on a half-open connection, pause/resume with the app's background state, the ways it
// gives up, and release of everything after close(). Every test checks that at most one task was ever alive.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import type { WxOptions } from '../../src/options.js';
import { createReliableSocket, type ReliableSocketOptions } from '../../src/reliable/index.js';
import { type TestClient, type TestServerOptions } from '../../src/testing/index.js';
import { EventLog, ManualTimers, TrackedWx } from './helpers.js';
import { serversClosedAfter } from '../helpers/servers.js';

const start = serversClosedAfter();

interface SetUp {
  server?: TestServerOptions;
  wx?: WxOptions;
  appEvents?: boolean;
  options?: Partial<ReliableSocketOptions>;
}

async function setUp({ server: serverOptions = {}, wx: wxOptions = {}, appEvents = false, options = {} }: SetUp = {}) {
  const server = await start(serverOptions);
  const wx = new TrackedWx(createWx({ ...server.wxOptions, ...wxOptions }), { appEvents });
  const timers = new ManualTimers();
  const socket = createReliableSocket(wx, {
    url: server.url,
    reconnect: { initialDelay: 100, jitter: 0 },
    timers,
    ...options,
  });
  return { server, wx, timers, socket, log: new EventLog(socket) };
}

/** A handler answering the heartbeat `ping` with `pong`, until `answering` is set to false. */
function pingPong(): { handler: (client: TestClient) => void; answering: boolean } {
  const state = {
    answering: true,
    handler: (client: TestClient): void => {
      client.onMessage((message) => {
        if (message.data === 'ping' && state.answering) void client.send('pong').catch(() => undefined);
      });
    },
  };
  return state;
}

const heartbeat = {
  message: 'ping',
  interval: 1000,
  timeout: 3000,
  isReply: (data: unknown) => data === 'pong',
} as const;

describe('reconnection with exponential backoff', () => {
  test('a server that refuses for a while then accepts: delays grow by the factor up to maxDelay, with jitter', async () => {
    let refusals = 5;
    const { server, wx, timers, socket, log } = await setUp({
      server: { fault: () => (refusals-- > 0 ? { type: 'refuse' } : undefined) },
      options: { reconnect: { initialDelay: 100, factor: 2, maxDelay: 500, jitter: 0.5 }, random: () => 0.5 },
    });
    // base 100, 200, 400, 500 (capped), 500; jitter 0.5 with random 0.5 takes a quarter off each.
    const expected = [75, 150, 300, 375, 375];
    for (const [index, delay] of expected.entries()) {
      assert.equal((await log.next('error')).errMsg, 'open fail: _code:2,_msg:Underlying Transport Error');
      assert.equal((await log.next('close')).code, 1006);
      assert.deepEqual(await log.next('reconnecting'), { attempt: index + 1, delay });
      assert.equal(socket.state, 'waiting');
      assert.equal(server.connectionCount, index + 1, 'no attempt before the delay is over');
      assert.deepEqual(
        timers.pending.map((timer) => timer.delay),
        [delay],
      );
      timers.fire(delay);
    }
    await log.next('open');
    assert.equal(server.connectionCount, 6);
    assert.equal(wx.maxAlive, 1);
    socket.close();
    await log.final();
  });

  test('a connection that stays up for minUptime starts the backoff again; one that does not, does not', async () => {
    const { server, timers, socket, log } = await setUp();
    let client = await server.nextConnection();
    await log.next('open');
    client.terminate(); // before minUptime: the next delay is still the first one, but the count goes on
    assert.equal((await log.next('reconnecting')).attempt, 1);
    timers.fire(100);
    client = await server.nextConnection();
    await log.next('open');
    client.terminate();
    assert.deepEqual(await log.next('reconnecting'), { attempt: 2, delay: 200 });
    timers.fire(200);
    client = await server.nextConnection();
    await log.next('open');
    timers.fire(5000); // minUptime
    client.terminate();
    assert.deepEqual(await log.next('reconnecting'), { attempt: 1, delay: 100 });
    socket.close();
    await log.final();
  });

  test('reconnect() skips the backoff delay', async () => {
    const { server, timers, socket, log } = await setUp();
    (await server.nextConnection()).terminate();
    await log.next('reconnecting');
    socket.reconnect();
    assert.equal(timers.pending.length, 0);
    assert.equal(socket.state, 'connecting');
    await log.next('open');
    socket.close();
    await log.final();
  });

  test('a handshake never answered ends with the connect timeout, then a retry', async () => {
    const { server, timers, socket, log } = await setUp({
      server: { fault: ({ number }) => (number === 1 ? { type: 'no-upgrade-response' } : undefined) },
      options: { connect: { timeout: 50 } },
    });
    assert.equal((await log.next('error')).errMsg, 'open fail: _code:9,_msg:Timer Expired');
    timers.fire((await log.next('reconnecting')).delay);
    await log.next('open');
    assert.equal(server.handshakeCount, 2);
    socket.close();
    await log.final();
  });
});

describe('dead-connection detection', () => {
  test('a half-open connection that stops answering heartbeats is closed (4000) within the timeout, then replaced', async () => {
    const server = pingPong();
    const {
      server: testServer,
      wx,
      timers,
      socket,
      log,
    } = await setUp({ server: { handler: server.handler }, options: { heartbeat } });
    const client = await testServer.nextConnection();
    await log.next('open');
    // The silence watch starts at open and looks every timeout / 2; the first heartbeat goes after `interval`.
    assert.deepEqual(timers.pending.map((timer) => timer.delay).sort(), [1000, 1500, 5000]);
    const replied = new Promise<void>((resolve) => wx.tasks[0]!.onMessage(() => resolve()));
    timers.fire(1000);
    assert.equal((await client.nextMessage()).data, 'ping');
    await replied;
    assert.deepEqual(log.all('message'), [], 'heartbeat replies are not emitted as messages');
    // The peer vanishes: it stops answering and stops reading (no FIN, no RST: nothing tells the client).
    server.answering = false;
    client.pause();
    timers.fire(1000); // a heartbeat nobody answers
    timers.fire(1500); // the watch sees the last pong
    timers.fire(1500); // then half a timeout of silence
    assert.equal(socket.state, 'open', 'one unanswered heartbeat is not yet a dead connection');
    timers.fire(1500); // a whole timeout of silence: dead, at most 1.5 × timeout after the last pong
    assert.equal(socket.state, 'closing');
    assert.equal(testServer.connectionCount, 1, 'no new task while the old one is alive');
    assert.equal(wx.alive, 1);
    // The old task ends (here: the server side finally goes away); only then does the replacement start.
    client.terminate();
    assert.deepEqual(await log.next('close'), { code: 4000, reason: 'heartbeat timeout', final: false });
    timers.fire((await log.next('reconnecting')).delay);
    await testServer.nextConnection();
    await log.next('open');
    assert.equal(wx.maxAlive, 1);
    socket.close();
    await log.final();
  });

  test('the server sees the dead connection closed with code 4000 "heartbeat timeout"', async () => {
    const server = pingPong();
    server.answering = false;
    const {
      server: testServer,
      timers,
      socket,
      log,
    } = await setUp({ server: { handler: server.handler }, options: { heartbeat } });
    const client = await testServer.nextConnection();
    await log.next('open');
    timers.fire(1000);
    timers.fire(1500);
    timers.fire(1500);
    assert.deepEqual(await client.waitForClose(), { code: 4000, reason: 'heartbeat timeout' });
    assert.equal((await log.next('close')).code, 4000);
    socket.close();
    await log.final();
  });

  test('any message proves the connection alive: a server that talks is never declared dead', async () => {
    const { server, timers, socket, log } = await setUp({ options: { heartbeat: { interval: 1000, timeout: 3000 } } });
    const client = await server.nextConnection();
    await log.next('open');
    assert.deepEqual(
      timers.pending.map((timer) => timer.delay).sort(),
      [1500, 5000],
      'no message: only silence is watched',
    );
    timers.fire(1500); // half a timeout of silence
    await client.send('news');
    await log.next('message');
    timers.fire(1500); // the watch sees the message: the silence counts from here again
    timers.fire(1500);
    assert.equal(socket.state, 'open', 'half a timeout of silence since the message');
    timers.fire(1500);
    assert.equal(socket.state, 'closing', 'a whole timeout of silence');
    socket.close();
    await log.final();
  });

  test('a task that never reports onClose is given up after closeTimeout, and the next one is made', async () => {
    const server = pingPong();
    server.answering = false;
    const {
      server: testServer,
      wx,
      timers,
      socket,
      log,
    } = await setUp({ server: { handler: server.handler }, options: { heartbeat } });
    const client = await testServer.nextConnection();
    await log.next('open');
    client.pause(); // never reads our close frame: `ws` would wait 30 s for the closing handshake
    timers.fire(1000);
    timers.fire(1500);
    timers.fire(1500);
    assert.equal(socket.state, 'closing');
    timers.fire(10_000); // closeTimeout
    assert.deepEqual(await log.next('close'), { code: 4000, reason: 'heartbeat timeout', final: false });
    timers.fire((await log.next('reconnecting')).delay);
    await testServer.nextConnection();
    await log.next('open');
    // The documented exception: the abandoned task still counts until the platform ends it.
    assert.equal(wx.maxAlive, 2);
    client.terminate();
    socket.close();
    await log.final();
  });
});

describe('pause and resume with the app background state', () => {
  test('wx.onAppHide closes the connection (1000 "paused") and queues; wx.onAppShow reconnects at once', async () => {
    const { server, wx, timers, socket, log } = await setUp({ appEvents: true });
    assert.equal(wx.hideListeners.size, 1);
    assert.equal(wx.showListeners.size, 1);
    const client = await server.nextConnection();
    await log.next('open');
    wx.hide();
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: 'paused' });
    assert.deepEqual(await log.next('close'), { code: 1000, reason: 'paused', final: false });
    assert.equal(socket.state, 'paused');
    assert.equal(timers.pending.length, 0, 'no reconnection, no timer while paused');
    assert.equal(socket.send('while hidden'), 'queued');
    wx.show();
    assert.equal(socket.state, 'connecting');
    const second = await server.nextConnection();
    assert.equal((await log.next('open')).reconnected, true);
    assert.equal((await second.nextMessage()).data, 'while hidden');
    socket.close();
    await log.final();
    assert.equal(wx.hideListeners.size, 0, 'wx.offAppHide removed our listener');
    assert.equal(wx.showListeners.size, 0);
    assert.equal(wx.maxAlive, 1);
  });

  test('hiding while waiting cancels the pending attempt; showing connects without waiting', async () => {
    const { server, wx, timers, socket, log } = await setUp({
      appEvents: true,
      server: { fault: ({ number }) => (number === 1 ? { type: 'refuse' } : undefined) },
    });
    await log.next('reconnecting');
    wx.hide();
    assert.equal(socket.state, 'paused');
    assert.equal(timers.pending.length, 0);
    wx.show();
    await log.next('open');
    assert.equal(server.connectionCount, 2);
    socket.close();
    await log.final();
  });

  test('an explicit pause() is not undone by wx.onAppShow, only by resume()', async () => {
    const { wx, socket, log } = await setUp({ appEvents: true });
    await log.next('open');
    socket.pause();
    await log.next('close');
    wx.show();
    assert.equal(socket.state, 'paused');
    socket.resume();
    await log.next('open');
    socket.close();
    await log.final();
  });

  test('pauseInBackground: false leaves the app events alone', async () => {
    const { wx, socket, log } = await setUp({ appEvents: true, options: { pauseInBackground: false } });
    assert.equal(wx.hideListeners.size, 0);
    await log.next('open');
    socket.close();
    await log.final();
  });
});

describe('giving up', () => {
  test('shouldReconnect returning false for a server close ends the socket with that close', async () => {
    const { server, socket, log } = await setUp({
      options: { reconnect: { shouldReconnect: ({ code }) => code !== 4001 } },
    });
    const client = await server.nextConnection();
    await log.next('open');
    await client.close(4001, 'logged in elsewhere');
    assert.deepEqual(await log.next('close'), { code: 4001, reason: 'logged in elsewhere', final: true });
    assert.equal(socket.state, 'closed');
    assert.deepEqual(log.all('reconnecting'), []);
  });

  test('after maxRetries failed attempts the socket closes for good', async () => {
    const { server, timers, socket, log } = await setUp({
      server: { fault: { type: 'refuse' } },
      options: { reconnect: { initialDelay: 100, jitter: 0, maxRetries: 2 } },
    });
    timers.fire((await log.next('reconnecting')).delay);
    timers.fire((await log.next('reconnecting')).delay);
    const closed = await log.final();
    assert.equal(closed.code, 1006);
    assert.equal(server.connectionCount, 3, 'the first attempt and two retries');
    assert.equal(socket.state, 'closed');
    assert.equal(timers.pending.length, 0);
  });

  test('reconnect: false: the first loss is the end', async () => {
    const { server, socket, log } = await setUp({ options: { reconnect: false } });
    (await server.nextConnection()).terminate();
    assert.equal((await log.final()).code, 1006);
    assert.equal(socket.state, 'closed');
  });

  test('a URL refused by the domain check: error, then the final close, and no connection at all', async () => {
    const { server, wx, socket, log } = await setUp({ wx: { domains: ['chat.example.com'] } });
    assert.match((await log.next('error')).errMsg, /url not in domain list/);
    const closed = await log.final();
    assert.equal(closed.code, 1006);
    assert.match(closed.reason, /url not in domain list/);
    assert.equal(socket.state, 'closed');
    assert.equal(server.connectionCount, 0);
    assert.equal(wx.alive, 0);
  });

  test('invalid options (connectSocket returns no task): error, then the final close', async () => {
    const { socket, log } = await setUp({ options: { url: 'http://127.0.0.1:1/' } });
    assert.equal((await log.next('error')).errMsg, 'connectSocket:fail invalid url "http://127.0.0.1:1/"');
    assert.equal((await log.final()).code, 1006);
    assert.equal(socket.state, 'closed');
  });

  test("over WeChat's connection limit: the attempt fails and is retried once a slot is free", async () => {
    const server = await start();
    const inner = createWx({ maxConnections: 1 });
    const other = inner.connectSocket({ url: server.url });
    await server.nextConnection();
    const wx = new TrackedWx(inner);
    const timers = new ManualTimers();
    const socket = createReliableSocket(wx, { url: server.url, reconnect: { initialDelay: 100, jitter: 0 }, timers });
    const log = new EventLog(socket);
    assert.equal((await log.next('error')).errMsg, 'connectSocket:fail fail reach max websocket connect count 1');
    assert.equal((await log.next('close')).final, false);
    const { delay } = await log.next('reconnecting');
    const freed = new Promise((resolve) => other.onClose(resolve));
    void other.close({});
    await freed;
    timers.fire(delay);
    await log.next('open');
    socket.close();
    await log.final();
  });
});

describe('both platform profiles', () => {
  for (const platform of ['android', 'ios'] as const) {
    test(`${platform}: heartbeat, a TCP drop, a reconnection and close() go the same way`, async () => {
      const server = pingPong();
      const {
        server: testServer,
        wx,
        timers,
        socket,
        log,
      } = await setUp({ server: { handler: server.handler }, wx: { platform }, options: { heartbeat } });
      const client = await testServer.nextConnection();
      await log.next('open');
      timers.fire(1000);
      assert.equal((await client.nextMessage()).data, 'ping');
      await client.inject({ type: 'drop' });
      assert.equal((await log.next('close')).code, platform === 'ios' ? 1001 : 1006); // §9.3: ios reports the FIN itself
      socket.send('after the drop');
      timers.fire((await log.next('reconnecting')).delay);
      const second = await testServer.nextConnection();
      assert.equal((await second.nextMessage()).data, 'after the drop');
      socket.close();
      await log.final();
      assert.equal(wx.alive, 0);
      assert.equal(wx.maxAlive, 1);
      assert.deepEqual(timers.pending, []);
    });
  }
});
