/**
 * The weak link on Node (contract §8.3): a connection's bytes are delayed and throttled per direction as the phone's
 * link says, read live; the handshake can time out (code 9), messages arrive late but in order and exactly once,
 * sends complete late. Bounds on elapsed time are lower bounds only: the link cannot deliver early, however loaded
 * the machine is.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { createWx, phoneOf } from '../src/node.js';
import { echo } from '../src/testing/index.js';
import type { SocketTask } from '../src/types.js';
import { runTask } from './testing/wx-run.js';
import { serversClosedAfter } from './helpers/servers.js';
import { turns } from './helpers/leaks.js';

const start = serversClosedAfter();

/** Resolves once `task` has received `count` messages from now on. */
function messages(task: SocketTask, count: number): Promise<void> {
  let received = 0;
  return new Promise((resolve) => task.onMessage(() => void (++received === count && resolve())));
}

describe('§8.3 a weak link shapes the bytes of every connection of the phone', { timeout: 20_000 }, () => {
  test('§8.3 §9.2 a handshake slower than the connect timeout fails with code 9, though the server answered', async () => {
    const server = await start();
    const wx = createWx();
    phoneOf(wx).weaken({ latency: { down: 2000 } });
    const run = runTask(wx, { url: server.url, timeout: 150 });
    assert.deepEqual(await run.closed, [
      { event: 'error', errMsg: 'open fail: _code:9,_msg:Timer Expired', errCode: 1004 },
      { event: 'close', code: 1006, reason: 'abnormal closure' },
    ]);
    assert.equal(server.handshakeCount, 1, 'the upgrade request went through the link');
  });

  test('§8.3 §0.7 messages arrive late, in order and exactly once, with latency and jitter both ways', async () => {
    const server = await start({ handler: echo });
    const wx = createWx({ platform: 'ios' });
    phoneOf(wx).weaken({ latency: 60, jitter: 40 });
    const run = runTask(wx, { url: server.url });
    const began = Date.now();
    await run.opened;
    assert.ok(Date.now() - began >= 120, 'the handshake took a round trip of the link at least');
    const sent = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `text ${i}` : new Uint8Array([i, 255 - i])));
    const sendAt = Date.now();
    const echoes = messages(run.task, sent.length);
    for (const data of sent) void run.task.send({ data: typeof data === 'string' ? data : data.slice().buffer });
    const client = await server.nextConnection();
    for (const data of sent) {
      const received = await client.nextMessage();
      assert.deepEqual(
        received.binary ? [...received.data] : received.data,
        typeof data === 'string' ? data : [...data],
      );
    }
    await echoes; // echoed back: each message crossed the link twice
    const echoed = run.events.filter((event) => event.event === 'message').map((event) => event.data);
    assert.deepEqual(
      echoed.map((data) => (typeof data === 'string' ? data : [...new Uint8Array(data as ArrayBuffer)])),
      sent.map((data) => (typeof data === 'string' ? data : [...data])),
    );
    assert.ok(Date.now() - sendAt >= 120, 'a round trip of the link at least');
    void run.task.close({});
    await run.closed;
  });

  test('§8.3 bandwidth: sends complete late, and the bytes arrive whole and in order', async () => {
    const server = await start();
    const wx = createWx();
    phoneOf(wx).weaken({ bandwidth: { up: 100_000 } });
    const run = runTask(wx, { url: server.url });
    await run.opened;
    const client = await server.nextConnection();
    const chunks = Array.from({ length: 5 }, (_, i) => new Uint8Array(10_000).fill(i + 1));
    const began = Date.now();
    const done = chunks.map(
      (chunk) =>
        new Promise<string>((resolve) =>
          run.task.send({ data: chunk.slice().buffer, complete: ({ errMsg }) => resolve(errMsg) }),
        ),
    );
    for (const chunk of chunks) assert.deepEqual([...(await client.nextMessage()).data], [...chunk]);
    assert.deepEqual(await Promise.all(done), Array(5).fill('sendSocketMessage:ok'));
    assert.ok(Date.now() - began >= 450, '50 KB at 100 KB/s take half a second at least');
    void run.task.close({});
    await run.closed;
  });

  for (const loss of ['offline', 'switch'] as const) {
    test(`§8.3 §0.2 a send still crossing the link when the network goes (${loss}) ends once: it fails`, async () => {
      const server = await start();
      const wx = createWx();
      const phone = phoneOf(wx);
      const run = runTask(wx, { url: server.url });
      await run.opened;
      phone.weaken({ bandwidth: { up: 1000 } }); // 10 KB take 10 s to cross
      const results: string[] = [];
      const ended = new Promise<void>((resolve) =>
        run.task.send({
          data: new Uint8Array(10_000).buffer,
          success: ({ errMsg }) => void results.push(errMsg),
          fail: ({ errMsg }) => void results.push(errMsg),
          complete: () => resolve(),
        }),
      );
      if (loss === 'offline') phone.offline();
      else phone.setNetworkType('4g');
      const events = await run.closed;
      assert.equal(events.at(-1)?.event, 'close');
      // Bounded: a send whose callbacks never come would otherwise hold the test until its timeout.
      const outcome = await Promise.race([ended.then(() => 'ended'), turns(1000).then(() => 'never ended')]);
      assert.equal(outcome, 'ended');
      assert.deepEqual(results, ['sendSocketMessage:fail WebSocket is not connected']);
    });
  }

  test('§8.3 conditions are read live: weakening the link slows a connection that is already open', async () => {
    const server = await start();
    const wx = createWx();
    const phone = phoneOf(wx);
    const run = runTask(wx, { url: server.url });
    await run.opened;
    const client = await server.nextConnection();
    phone.weaken({ latency: { down: 300 } });
    const sentAt = Date.now();
    const slow = messages(run.task, 1);
    await client.send('slow');
    await slow;
    assert.ok(Date.now() - sentAt >= 300, 'the message waited for the new latency');
    phone.strengthen();
    await client.send('fast');
    void run.task.close({});
    const events = await run.closed;
    assert.deepEqual(
      events.filter((event) => event.event === 'message'),
      [
        { event: 'message', data: 'slow' },
        { event: 'message', data: 'fast' },
      ],
    );
  });
});

describe('§8.3 a phone shapes the connections opened after its first phoneOf(wx)', { timeout: 20_000 }, () => {
  test('a connection opened before the first phoneOf(wx) goes through no link: a later weaken() leaves it as it is', async () => {
    const server = await start();
    const wx = createWx();
    const before = runTask(wx, { url: server.url });
    await before.opened;
    const beforeClient = await server.nextConnection();
    const phone = phoneOf(wx);
    const after = runTask(wx, { url: server.url });
    await after.opened;
    const afterClient = await server.nextConnection();
    phone.weaken({ latency: { up: 60_000 } });
    // Sent first on the shaped connection: held in the link for a minute. The unshaped one's message passes it.
    void after.task.send({ data: 'after' });
    void before.task.send({ data: 'before' });
    assert.equal((await beforeClient.nextMessage()).data, 'before');
    assert.deepEqual(afterClient.messages, [], 'the message sent first is still in the link');
    // Ended from the server: its drop travels down, where the link adds no latency.
    afterClient.terminate();
    beforeClient.terminate();
    assert.deepEqual((await after.closed).at(-1), { event: 'close', code: 1006, reason: 'abnormal closure' });
    assert.deepEqual((await before.closed).at(-1), { event: 'close', code: 1006, reason: 'abnormal closure' });
  });
});

describe('§8.3 the link keeps real time under fake timers', { timeout: 20_000 }, () => {
  // node:test's defaults fake setTimeout, setInterval, setImmediate and Date, as jest's and vitest's do. The link is
  // the network, not the page (docs/testing.md, Fake timers): its delays must pass without the fake clock moving.
  beforeEach(() => mock.timers.enable());
  afterEach(() => mock.timers.reset());

  test('a weak link opens, delivers and closes a connection while the fake clock stands still', async () => {
    const server = await start({ handler: echo });
    const wx = createWx();
    phoneOf(wx).weaken({ latency: 20, jitter: 10, bandwidth: 100_000 });
    // On the fake clock the upgrade request would sit in the link until the (real) handshake timeout.
    const run = runTask(wx, { url: server.url, timeout: 5000 });
    await run.opened;
    const echoes = messages(run.task, 2);
    void run.task.send({ data: 'through the link' });
    void run.task.send({ data: new Uint8Array(5000).fill(7).buffer });
    await echoes;
    void run.task.close({});
    const events = await run.closed;
    assert.deepEqual(
      events.map((event) => (event.event === 'message' && typeof event.data !== 'string' ? 'bytes' : event)),
      [
        { event: 'open' },
        { event: 'message', data: 'through the link' },
        'bytes',
        { event: 'close', code: 1000, reason: '' },
      ],
    );
  });
});
