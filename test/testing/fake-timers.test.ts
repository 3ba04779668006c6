// node:test's fake timers with their defaults (`mock.timers.enable()`: setTimeout, setInterval, setImmediate and
// Date) do not hold back the network: a socket opens, delivers and closes, the test kit's waits time out in real
// time, the handshake timeout runs in real time (WeChat times it natively), while the reliable socket's backoff
// follows the fake clock as the test drives it. jest and vitest with their defaults: examples/*/fake-timers.test.js.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test, mock } from 'node:test';
import { createWx } from '../../src/node.js';
import { createReliableSocket } from '../../src/reliable/index.js';
import { nextEvent } from '../helpers/reliable-events.js';
import { createTestServer, echo } from '../../src/testing/index.js';
import type { SocketTask } from '../../src/types.js';

/** Resolves with a task's next event of this kind. */
function next<K extends 'onOpen' | 'onMessage' | 'onError' | 'onClose'>(
  task: SocketTask,
  kind: K,
): Promise<Parameters<Parameters<SocketTask[K]>[0]>[0]> {
  return new Promise((resolve) => (task[kind] as (listener: (result: unknown) => void) => void)(resolve as never));
}

describe('with node:test mock timers on (defaults)', () => {
  beforeEach(() => mock.timers.enable());
  afterEach(() => mock.timers.reset());

  for (const platform of ['android', 'ios'] as const) {
    test(
      `${platform}: a socket opens, echoes and closes without the fake clock moving`,
      { timeout: 20_000 },
      async () => {
        const server = await createTestServer({ secure: true, handler: echo });
        try {
          const wx = createWx({ platform, ...server.wxOptions });
          const task = wx.connectSocket({ url: server.url });
          await next(task, 'onOpen');
          const receiving = next(task, 'onMessage');
          const sent = await new Promise((resolve) => task.send({ data: 'hello', complete: resolve }));
          assert.deepEqual(sent, { errMsg: 'sendSocketMessage:ok' });
          assert.equal((await receiving).data, 'hello');
          const closing = next(task, 'onClose');
          void task.close({ code: 1000, reason: 'bye' });
          assert.deepEqual(await closing, { code: 1000, reason: 'bye' });
        } finally {
          await server.close();
        }
      },
    );
  }

  test('a refused upgrade still reports onError, then onClose 1006', { timeout: 20_000 }, async () => {
    const server = await createTestServer({ fault: { type: 'http-status', status: 403 } });
    try {
      const task = createWx().connectSocket({ url: server.url });
      const closing = next(task, 'onClose');
      assert.equal((await next(task, 'onError')).errMsg, 'open fail: _code:20,_msg:Invalid HTTP status.');
      assert.deepEqual(await closing, { code: 1006, reason: 'abnormal closure' });
    } finally {
      await server.close();
    }
  });

  test('the handshake timeout runs on the real clock', { timeout: 20_000 }, async () => {
    const server = await createTestServer({ fault: { type: 'no-upgrade-response' } });
    try {
      const task = createWx().connectSocket({ url: server.url, timeout: 100 });
      // Nothing ticks the fake clock: the timeout fires in real time, as WeChat's native one does.
      assert.equal((await next(task, 'onError')).errMsg, 'open fail: _code:9,_msg:Timer Expired');
    } finally {
      await server.close();
    }
  });

  test("the test kit's waits time out in real time", { timeout: 20_000 }, async () => {
    const server = await createTestServer();
    try {
      await assert.rejects(server.nextConnection({ timeout: 50 }), /Timed out after 50 ms waiting for a connection/);
    } finally {
      await server.close();
    }
  });

  test(
    "the reliable socket's backoff follows the fake clock; its connections do not",
    { timeout: 20_000 },
    async () => {
      // Connection 2 (the first reconnection) is refused, so the second delay is the doubled one.
      const server = await createTestServer({ fault: ({ number }) => (number === 2 ? { type: 'refuse' } : undefined) });
      const socket = createReliableSocket(createWx(), {
        url: server.url,
        reconnect: { initialDelay: 1000, jitter: 0 },
      });
      try {
        await nextEvent(socket, 'open');
        const reconnecting = nextEvent(socket, 'reconnecting');
        await (await server.nextConnection()).inject({ type: 'drop' });
        assert.deepEqual(await reconnecting, { attempt: 1, delay: 1000 });
        mock.timers.tick(999);
        assert.equal(socket.state, 'waiting');
        const refused = nextEvent(socket, 'reconnecting');
        mock.timers.tick(1);
        assert.equal(socket.state, 'connecting');
        assert.deepEqual(await refused, { attempt: 2, delay: 2000 });
        const opening = nextEvent(socket, 'open');
        mock.timers.tick(2000);
        assert.equal((await opening).reconnected, true);
        assert.equal(server.connectionCount, 3);
      } finally {
        socket.close();
        await server.close();
      }
    },
  );
});
