// Edges driven with a hand-controlled wx (fake-wx.ts): delivery of sends still unconfirmed when a connection dies,
// a platform that never reports onClose, connectSocket returning nothing or throwing, a url function that fails,
// user code that throws, and option validation. Plus the backoff formula on its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay } from '../../src/reliable/backoff.js';
import {
  ReliableSocketOptionsError,
  createReliableSocket,
  type ReliableSocketOptions,
} from '../../src/reliable/index.js';
import { FakeWx } from './fake-wx.js';
import { EventLog, ManualTimers } from './helpers.js';
import { reliableOverFakeWx } from './over-fake-wx.js';

const setUp = reliableOverFakeWx;

describe('backoffDelay', () => {
  const parameters = { initialDelay: 1000, maxDelay: 30_000, factor: 2, jitter: 0 };
  test('grows by the factor from initialDelay and stops at maxDelay', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(parameters, attempt, 0.99)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000],
    );
  });
  test('jitter takes up to that fraction off, in proportion to random', () => {
    const jittered = { ...parameters, jitter: 0.5 };
    assert.equal(backoffDelay(jittered, 3, 0), 4000);
    assert.equal(backoffDelay(jittered, 3, 0.5), 3000);
    assert.equal(backoffDelay(jittered, 3, 0.999_999), 2000);
    assert.equal(backoffDelay({ ...parameters, jitter: 1 }, 3, 0.75), 1000);
  });
  test('stays finite and capped after any number of attempts, and with initialDelay 0', () => {
    assert.equal(backoffDelay({ ...parameters, factor: 10 }, 1e9, 0), 30_000);
    assert.equal(backoffDelay({ ...parameters, initialDelay: 0 }, 50, 0), 0);
    assert.equal(backoffDelay(parameters, 2, Number.NaN), 2000);
  });
});

describe('delivery across a connection that dies (at-least-once up to the transport)', () => {
  test('a send not yet confirmed when the connection ends is sent again, first, on the next connection', async () => {
    const { wx, timers, socket, log } = setUp();
    await Promise.resolve();
    const first = wx.last;
    first.open();
    socket.send('a');
    socket.send('b');
    first.confirm(0); // 'a' taken by the transport; 'b' still pending
    first.end();
    socket.send('c');
    timers.fire(100);
    wx.last.open();
    assert.deepEqual(wx.last.sent, ['b', 'c']);
    assert.equal(log.all('drop').length, 0);
  });

  test('a send that failed is sent again; one confirmed late, after being sent again, is not sent a third time', async () => {
    const { wx, timers, socket } = setUp();
    const first = wx.last;
    first.open();
    socket.send('a');
    socket.send('b');
    first.confirm(0, false); // failed: the transport did not take it
    first.end();
    timers.fire(100);
    const second = wx.last;
    second.open();
    assert.deepEqual(second.sent, ['a', 'b']);
    first.confirm(1); // the old task confirms 'b' after all: it was delivered twice (the documented edge)
    second.confirm(0);
    assert.equal(socket.queued, 1, "'b' counts as taken once the old task confirmed it");
    second.confirm(1); // ignored: the message is no longer tracked
    assert.equal(socket.queued, 0);
    second.end();
    timers.fire(200);
    wx.last.open();
    assert.deepEqual(wx.last.sent, [], 'nothing is sent a third time');
  });

  test('heartbeats and restore messages are never queued nor sent again', async () => {
    const { wx, timers } = setUp({
      heartbeat: { message: () => 'ping', interval: 10, timeout: 100 },
      restore: ({ send }) => send('subscribe'),
    });
    const first = wx.last;
    first.open();
    timers.fire(10);
    assert.deepEqual(first.sent, ['subscribe', 'ping']);
    first.end();
    timers.fire(100);
    wx.last.open();
    assert.deepEqual(wx.last.sent, ['subscribe']);
  });
});

describe('a large outbox', () => {
  test('20,000 queued messages: flushed once in order; what was confirmed, in any order, is never sent again', () => {
    const count = 20_000;
    const { wx, timers, socket } = setUp({ queue: { limit: Infinity } });
    const messages = Array.from({ length: count }, (_, i) => `m${i}`);
    for (const message of messages) assert.equal(socket.send(message), 'queued');
    const first = wx.last;
    first.open();
    assert.deepEqual(first.sent, messages);
    // The transport takes every third message, from the last to the first, then the connection dies.
    for (let i = count - 1; i >= 0; i--) if (i % 3 === 0) first.confirm(i);
    const unconfirmed = messages.filter((_, i) => i % 3 !== 0);
    assert.equal(socket.queued, unconfirmed.length);
    first.end();
    timers.fire(100);
    const second = wx.last;
    second.open();
    assert.deepEqual(second.sent, unconfirmed, 'the rest, once each, in the original order');
    for (let i = 0; i < unconfirmed.length; i++) second.confirm(i);
    assert.equal(socket.queued, 0);
    second.end();
    timers.fire(200);
    wx.last.open();
    assert.deepEqual(wx.last.sent, []);
  });

  test("'drop-oldest' on a full outbox of 20,000 evicts the oldest each time, in order", () => {
    const limit = 20_000;
    const { wx, socket, log } = setUp({ queue: { limit } });
    for (let i = 0; i < 2 * limit; i++) socket.send(`m${i}`);
    const drops = log.all('drop');
    assert.equal(drops.length, limit);
    assert.ok(drops.every((drop, i) => drop.data === `m${i}` && drop.reason === 'overflow'));
    wx.last.open();
    assert.equal(wx.last.sent.length, limit);
    assert.equal(wx.last.sent[0], `m${limit}`);
    assert.equal(wx.last.sent.at(-1), `m${2 * limit - 1}`);
  });
});

describe('the heartbeat on a busy connection', () => {
  test('incoming messages arm no timer; the watch still finds the silence that follows them', () => {
    const { wx, timers, socket, log } = setUp({ heartbeat: { timeout: 1000 } });
    wx.last.open();
    const scheduled = timers.scheduled;
    for (let i = 0; i < 1000; i++) wx.last.receive(`m${i}`);
    assert.equal(log.all('message').length, 1000);
    assert.equal(timers.scheduled, scheduled, 'a message costs no timer');
    timers.fire(500); // the watch sees the messages
    timers.fire(500);
    assert.equal(socket.state, 'open');
    timers.fire(500);
    assert.equal(socket.state, 'closing');
    assert.deepEqual(wx.last.closeRequests, [{ code: 4000, reason: 'heartbeat timeout' }]);
  });
});

describe('a platform that breaks its own contract', () => {
  test('a task that never reports onClose after close is given up after closeTimeout', () => {
    const { wx, timers, socket, log } = setUp({ closeTimeout: 2000 });
    wx.last.open();
    socket.reconnect();
    assert.deepEqual(wx.last.closeRequests, [{ code: 1000, reason: 'reconnect' }]);
    assert.equal(wx.tasks.length, 1, 'no new task while the old one may be alive');
    timers.fire(2000);
    assert.equal(wx.tasks.length, 2);
    assert.deepEqual(log.all('close'), [{ code: 1000, reason: 'reconnect', final: false }]);
    wx.tasks[0]!.end(); // its late events are ignored
    assert.equal(log.all('close').length, 1);
  });

  test('after onError, onClose is awaited (at most closeTimeout) and the task is asked to close', () => {
    const { wx, timers, log } = setUp();
    wx.last.open();
    wx.last.error('boom');
    assert.deepEqual(log.all('error'), [{ errMsg: 'boom' }]);
    assert.equal(wx.last.closeRequests.length, 1);
    timers.fire(10_000);
    assert.deepEqual(log.all('close'), [{ code: 1006, reason: 'close timeout', final: false }]);
    assert.equal(log.all('reconnecting').length, 1);
  });
});

describe('connectSocket without a task', () => {
  test('no task and fail (invalid options): error, then the final close', async () => {
    const wx = new FakeWx();
    wx.next = { fail: 'connectSocket:fail invalid url "x"', task: false };
    const socket = createReliableSocket(wx, { url: 'x', timers: new ManualTimers() });
    const log = new EventLog(socket);
    assert.deepEqual(await log.next('error'), { errMsg: 'connectSocket:fail invalid url "x"' });
    assert.equal((await log.final()).code, 1006);
  });

  test('no task and success (base library older than 1.7.0): the socket cannot work and says so', async () => {
    const wx = new FakeWx();
    wx.next = { success: true };
    const socket = createReliableSocket(wx, { url: 'wss://example.com/', timers: new ManualTimers() });
    const log = new EventLog(socket);
    assert.match((await log.next('error')).errMsg, /1\.7\.0/);
    await log.final();
    assert.equal(socket.state, 'closed');
  });

  test('connectSocket throwing: error on a later microtask (listeners attached after creation see it), then the end', async () => {
    const wx = new FakeWx();
    wx.next = 'throw';
    const socket = createReliableSocket(wx, { url: 'wss://example.com/', timers: new ManualTimers() });
    const log = new EventLog(socket);
    assert.match((await log.next('error')).errMsg, /connectSocket threw: connectSocket exploded/);
    await log.final();
  });

  test('a url function that throws is a failed attempt, retried with backoff', async () => {
    let calls = 0;
    const { wx, timers, log } = setUp({
      url: () => {
        if (++calls === 1) throw new Error('no token yet');
        return 'wss://example.com/?token=1';
      },
    });
    assert.match((await log.next('error')).errMsg, /url: no token yet/);
    timers.fire((await log.next('reconnecting')).delay);
    assert.equal(wx.last.option.url, 'wss://example.com/?token=1');
  });
});

describe('user code that throws', () => {
  test('a throwing listener is reported, the other listeners still run, and the socket goes on', () => {
    const reported: string[] = [];
    const { wx, socket } = setUp({ onListenerError: (_error, where) => reported.push(where) });
    const calls: string[] = [];
    socket.on('open', () => {
      throw new Error('listener bug');
    });
    socket.on('open', () => calls.push('second'));
    wx.last.open();
    assert.deepEqual(calls, ['second']);
    assert.deepEqual(reported, ["a 'open' listener"]);
    assert.equal(socket.state, 'open');
  });

  test('closing from inside the restore hook: nothing is flushed, the socket closes', () => {
    const { wx, socket, log } = setUp({ restore: () => socket.close() });
    socket.send('queued');
    wx.last.open();
    assert.deepEqual(wx.last.sent, []);
    assert.equal(socket.state, 'closing');
    wx.last.end(1000, '');
    assert.deepEqual(log.all('close'), [{ code: 1000, reason: '', final: true }]);
  });
});

describe('option validation', () => {
  const cases: Array<[string, Partial<ReliableSocketOptions>]> = [
    ['url', { url: 42 as never }],
    ['queue.limit', { queue: { limit: -1 } }],
    ['queue.overflow', { queue: { overflow: 'drop-all' as never } }],
    ['heartbeat.interval', { heartbeat: { message: 'ping', interval: 0 } }],
    ['heartbeat.message', { heartbeat: { message: new Uint8Array(1) as never } }],
    ['reconnect.factor', { reconnect: { factor: 0.5 } }],
    ['reconnect.jitter', { reconnect: { jitter: 2 } }],
    ['reconnect.maxRetries', { reconnect: { maxRetries: 1.5 } }],
    ['closeTimeout', { closeTimeout: Number.NaN }],
    // Longer than a timer can wait: Node would fire it after 1 ms, a reconnection storm instead of a long backoff.
    ['reconnect.maxDelay', { reconnect: { maxDelay: 2 ** 31 } }],
  ];
  for (const [option, options] of cases) {
    test(`an invalid ${option} throws a ReliableSocketOptionsError naming it, and no task is made`, () => {
      const wx = new FakeWx();
      assert.throws(
        () => createReliableSocket(wx, { url: 'wss://example.com/', ...options }),
        (error: unknown) =>
          error instanceof ReliableSocketOptionsError &&
          error.option === option &&
          error.code === 'WXSOCKET_RELIABLE_INVALID_OPTION',
      );
      assert.equal(wx.tasks.length, 0);
    });
  }
  test('close() with a code WeChat refuses throws a RangeError and leaves the socket as it was', () => {
    const { socket } = setUp();
    assert.throws(() => socket.close(1001), RangeError);
    assert.throws(() => socket.close(1000, 'é'.repeat(62)), RangeError);
    assert.equal(socket.state, 'connecting');
  });
});
