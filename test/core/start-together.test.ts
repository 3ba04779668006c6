/**
 * When connection attempts start on Node (contract §1, docs/decisions.md "Timing"): after the current turn, and the
 * attempts of every `connectSocket` made in one turn on the same macrotask, in call order, so that a storm of
 * connections sets up every socket before the kernel's work of connecting them. The transport is a custom one that
 * records what happened when it was called: users pass their own through `createWx({transport})`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';
import type { Transport, TransportConnection } from '../../src/transport.js';
import type { SocketTask } from '../../src/types.js';

/** A connection that never opens; `abort` and `close` do nothing. */
const idle: TransportConnection = { send: () => {}, close: () => {}, abort: () => {}, bufferedAmount: 0 };

test('§1 attempts of one turn start on one later macrotask, in call order, with no microtask between them', async () => {
  const log: string[] = [];
  let calls = 0;
  const transport: Transport = (request) => {
    const index = calls++;
    log.push(`start ${request.url.slice(-1)}`);
    // A microtask queued by one start runs only once every start of that macrotask has been made.
    void Promise.resolve().then(() => log.push(`microtask after start ${index}`));
    return idle;
  };
  const wx = createWx({ transport, maxConnections: 10 });
  const tasks = ['ws://127.0.0.1:9/a', 'ws://127.0.0.1:9/b', 'ws://127.0.0.1:9/c'].map((url) =>
    wx.connectSocket({ url }),
  );
  await Promise.resolve();
  assert.deepEqual(log, [], 'no attempt in the calling turn, microtasks included');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, [
    'start a',
    'start b',
    'start c',
    'microtask after start 0',
    'microtask after start 1',
    'microtask after start 2',
  ]);
  for (const task of tasks) void task.close({});
});

test('§1 a task closed by an earlier start of the same macrotask never reaches the transport', async () => {
  const started: string[] = [];
  let second: SocketTask | undefined;
  const transport: Transport = (request) => {
    started.push(request.url);
    void second?.close({}); // the first start closes the second task, still waiting for its own start
    return idle;
  };
  const wx = createWx({ transport, maxConnections: 10 });
  const first = wx.connectSocket({ url: 'ws://127.0.0.1:9/first' });
  second = wx.connectSocket({ url: 'ws://127.0.0.1:9/second' });
  const closed = new Promise((resolve) => second!.onClose(resolve));
  assert.deepEqual(await closed, { code: 1000, reason: '' });
  assert.deepEqual(started, ['ws://127.0.0.1:9/first']);
  void first.close({});
});
