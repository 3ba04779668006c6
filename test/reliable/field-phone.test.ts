// Field conditions end to end (contract §8): wxsocket's emulated phone (`phoneOf(wx)`) moves through full cycles
// while a reliable socket talks to a real server. Hidden, suspended and shown again; Wi-Fi to 4G; offline for a
// while; a link so weak that the handshake times out. Each cycle checks that the queue crosses it and reaches the
// server exactly once, in order, that no attempt is made that could not succeed, and that at most one task is ever
// alive.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx, phoneOf, type Phone } from '../../src/node.js';
import type { WxOptions } from '../../src/options.js';
import { createReliableSocket, type ReliableSocketOptions } from '../../src/reliable/index.js';
import type { TestClient, TestServer } from '../../src/testing/index.js';
import { EventLog, ManualTimers, TrackedWx } from './helpers.js';
import { serversClosedAfter } from '../helpers/servers.js';

const start = serversClosedAfter();

/** Every text message the server receives, across its connections, in order; `count(n)` waits for n of them. */
class Received {
  readonly messages: string[] = [];
  readonly #waiters = new Set<() => void>();

  readonly handler = (client: TestClient): void => {
    client.onMessage((message) => {
      this.messages.push(String(message.data));
      for (const wake of this.#waiters) wake();
    });
  };

  count(count: number, timeout = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`Timed out waiting for ${count} messages (got ${this.messages.join(', ')})`));
      }, timeout);
      const check = (): void => {
        if (this.messages.length < count) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }
}

interface SetUp {
  wx?: WxOptions;
  options?: Partial<ReliableSocketOptions>;
  /** Done to the phone before the socket is made. */
  before?: (phone: Phone) => void;
}

async function setUp({ wx: wxOptions = {}, options = {}, before }: SetUp = {}) {
  const received = new Received();
  const server: TestServer = await start({ handler: received.handler });
  const inner = createWx({ ...server.wxOptions, ...wxOptions });
  // Asked for before any connection: only connections made after it go through the phone's link.
  const phone: Phone = phoneOf(inner);
  before?.(phone);
  const wx = new TrackedWx(inner);
  const timers = new ManualTimers();
  const socket = createReliableSocket(wx, {
    url: server.url,
    reconnect: { initialDelay: 100, jitter: 0 },
    timers,
    ...options,
  });
  /** Resolves on the next `wx.onAppShow`, after the socket's own listener (listeners run in registration order). */
  const shown = (): Promise<void> =>
    new Promise((resolve) => {
      const listener = (): void => {
        inner.offAppShow(listener);
        resolve();
      };
      inner.onAppShow(listener);
    });
  return { server, received, phone, wx, timers, socket, shown, log: new EventLog(socket) };
}

for (const platform of ['android', 'ios'] as const) {
  describe(`${platform}: hidden, suspended, shown`, () => {
    test('closed on hide, queued while suspended, reconnected at once on show, the queue delivered once', async () => {
      const { server, received, phone, wx, timers, socket, log } = await setUp({ wx: { platform } });
      const first = await server.nextConnection();
      await log.next('open');
      socket.send('before');
      await received.count(1);
      phone.hide({ suspendDelay: 60_000 });
      assert.deepEqual(await first.waitForClose(), { code: 1000, reason: 'paused' });
      assert.deepEqual(await log.next('close'), { code: 1000, reason: 'paused', final: false });
      phone.suspend();
      assert.equal(socket.state, 'paused');
      assert.equal(socket.send('while suspended 1'), 'queued');
      assert.equal(socket.send('while suspended 2'), 'queued');
      phone.show();
      assert.equal((await log.next('open')).reconnected, true);
      await received.count(3);
      assert.deepEqual(received.messages, ['before', 'while suspended 1', 'while suspended 2']);
      assert.equal(server.connectionCount, 2);
      assert.deepEqual(log.all('reconnecting'), [], 'no backoff');
      assert.deepEqual(
        timers.pending.map((timer) => timer.delay),
        [5000],
        'only minUptime',
      );
      socket.close();
      await log.final();
      assert.equal(wx.maxAlive, 1);
      assert.equal(wx.alive, 0);
    });

    test('suspended at once, before its close was answered: the next connection comes right after the show', async () => {
      const { server, received, phone, wx, socket, log } = await setUp({ wx: { platform } });
      await server.nextConnection();
      await log.next('open');
      phone.suspend(); // hides first; the suspension closes the task before anything is delivered
      socket.send('queued across the suspension');
      phone.show();
      // onAppShow comes first, while the old task has not reported its end: the socket waits for that end.
      assert.deepEqual(await log.next('close'), { code: 1000, reason: 'paused', final: false });
      await log.next('open');
      await received.count(1);
      assert.deepEqual(received.messages, ['queued across the suspension']);
      assert.deepEqual(log.all('reconnecting'), []);
      socket.close();
      await log.final();
      assert.equal(wx.maxAlive, 1);
    });
  });

  describe(`${platform}: the network`, () => {
    test('Wi-Fi to 4G: the connection is replaced at once, and the queue goes on the new network', async () => {
      const { server, received, phone, wx, timers, socket, log } = await setUp({ wx: { platform } });
      const first = await server.nextConnection();
      await log.next('open');
      socket.send('on wifi');
      await received.count(1);
      phone.setNetworkType('4g');
      assert.deepEqual(await log.next('close'), { code: 1000, reason: 'network changed', final: false });
      socket.send('on 4g');
      await log.next('open');
      await received.count(2);
      assert.deepEqual(received.messages, ['on wifi', 'on 4g']);
      await first.waitForClose();
      assert.deepEqual(log.all('reconnecting'), []);
      assert.deepEqual(
        timers.pending.map((timer) => timer.delay),
        [5000],
      );
      socket.close();
      await log.final();
      assert.equal(wx.maxAlive, 1);
    });

    test('offline for a while: no attempt meanwhile, then back at once with the queue', async () => {
      const { server, received, phone, wx, timers, socket, log } = await setUp({ wx: { platform } });
      await server.nextConnection();
      await log.next('open');
      phone.offline();
      assert.equal((await log.next('error')).errMsg, 'network is down');
      assert.deepEqual(await log.next('close'), { code: 1006, reason: 'abnormal closure', final: false });
      assert.equal(socket.state, 'paused');
      assert.deepEqual(timers.pending, [], 'nothing scheduled while offline');
      socket.send('offline 1');
      socket.resume(); // only the network lifts this pause
      socket.reconnect();
      socket.send('offline 2');
      assert.equal(wx.tasks.length, 1, 'no attempt while offline');
      phone.online();
      await log.next('open');
      await received.count(2);
      assert.deepEqual(received.messages, ['offline 1', 'offline 2']);
      assert.equal(server.handshakeCount, 2);
      assert.deepEqual(log.all('reconnecting'), []);
      socket.close();
      await log.final();
      assert.equal(wx.maxAlive, 1);
    });

    test('offline while hidden: shown, it waits for the network; online, it connects', async () => {
      const { server, received, phone, socket, shown, log } = await setUp({ wx: { platform } });
      await server.nextConnection();
      await log.next('open');
      phone.hide({ suspendDelay: 60_000 });
      await log.next('close');
      phone.offline();
      socket.send('queued');
      const showing = shown();
      phone.show();
      await showing;
      assert.equal(socket.state, 'paused');
      assert.equal(server.handshakeCount, 1);
      phone.online();
      await log.next('open');
      await received.count(1);
      assert.deepEqual(received.messages, ['queued']);
      assert.equal(server.handshakeCount, 2);
      socket.close();
      await log.final();
    });
  });
}

describe('a weak link', () => {
  test('the handshake times out while the link is weak; the retry succeeds once it is strong again', async () => {
    const { received, phone, wx, timers, socket, log } = await setUp({
      before: (phone) => phone.weaken({ latency: 1000 }),
      options: { connect: { timeout: 200 } },
    });
    socket.send('through the weak spell');
    // The handshake timeout's text (§2; from base library 3.0.0 on android, §9.2's `open fail: _code:9,…`).
    assert.match((await log.next('error')).errMsg, /code:9,\s?_?msg:Timer Expired/);
    const { delay } = await log.next('reconnecting');
    phone.strengthen();
    timers.fire(delay);
    await log.next('open');
    await received.count(1);
    assert.deepEqual(received.messages, ['through the weak spell'], 'queued across the failed attempt, sent once');
    socket.close();
    await log.final();
    assert.equal(wx.maxAlive, 1);
  });
});
