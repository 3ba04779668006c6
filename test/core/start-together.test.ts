/**
 * When connection attempts start (contract §1, docs/decisions.md "Timing"): after the current turn, on a microtask
 * each, in call order, so that a storm of connections sets up every socket before the kernel's work of connecting
 * them; a failure the start finds itself still reaches the listeners on a later macrotask. The transport is a custom
 * one that records what happened when it was called: users pass their own through `createWx({transport})`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';
import type { Transport, TransportConnection } from '../../src/transport.js';
import type { SocketTask } from '../../src/types.js';

/** A connection that never opens; `abort` and `close` do nothing. */
const idle: TransportConnection = { send: () => {}, close: () => {}, abort: () => {}, bufferedAmount: 0 };

test('§1 attempts start after the calling turn, on microtasks, in call order, before the microtasks they queue', async () => {
  const log: string[] = [];
  let calls = 0;
  const transport: Transport = (request) => {
    const index = calls++;
    log.push(`start ${request.url.slice(-1)}`);
    void Promise.resolve().then(() => log.push(`microtask after start ${index}`));
    return idle;
  };
  const wx = createWx({ transport, maxConnections: 10 });
  const tasks = ['ws://127.0.0.1:9/a', 'ws://127.0.0.1:9/b', 'ws://127.0.0.1:9/c'].map((url) =>
    wx.connectSocket({ url }),
  );
  assert.deepEqual(log, [], 'no attempt in the calling turn');
  // Queued after the three starts: runs once they all have, before the microtasks they queued.
  await Promise.resolve();
  assert.deepEqual(log, ['start a', 'start b', 'start c']);
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

test('§1 a task closed by an earlier start of the same turn never reaches the transport', async () => {
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

// Everything user-supplied that a start calls is guarded: here the transport factory throws, the reporter it goes to
// throws, and so do the listeners of the failure it causes. The starts after it are made all the same, and the
// failure reaches the listeners on a later macrotask, as every `onError` does [lib].
test('§1 §0.3 a start whose transport, reporter and listeners all throw: the other starts are made, its onError comes on a later macrotask', async () => {
  const log: string[] = [];
  const reported: string[] = [];
  const transport: Transport = (request) => {
    const name = request.url.slice(-1);
    log.push(`start ${name}`);
    if (name === 'b') throw new Error('factory b fails');
    return idle;
  };
  const reportError = (error: unknown, where: string): never => {
    reported.push(`${where}: ${(error as Error).message}`);
    throw new Error('the reporter fails too');
  };
  const wx = createWx({ transport, maxConnections: 10, reportError });
  const tasks = ['ws://127.0.0.1:9/a', 'ws://127.0.0.1:9/b', 'ws://127.0.0.1:9/c'].map((url) => {
    const task = wx.connectSocket({ url });
    const name = url.slice(-1);
    task.onError(({ errMsg }) => {
      log.push(`${name} onError ${errMsg}`);
      throw new Error(`${name} onError fails`);
    });
    task.onClose(({ code }) => {
      log.push(`${name} onClose ${code}`);
      throw new Error(`${name} onClose fails`);
    });
    return task;
  });
  await Promise.resolve();
  assert.deepEqual(log, ['start a', 'start b', 'start c'], "no listener on the starts' microtasks");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, [
    'start a',
    'start b',
    'start c',
    'b onError open fail: _code:2,_msg:Underlying Transport Error',
    'b onClose 1006',
  ]);
  assert.deepEqual(reported, [
    'transport: factory b fails',
    'SocketTask.onError listener: b onError fails',
    'SocketTask.onClose listener: b onClose fails',
  ]);
  for (const task of tasks) void task.close({});
});
