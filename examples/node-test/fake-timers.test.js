// Fake timers and sockets, with node:test's defaults (`mock.timers.enable()` fakes setTimeout, setInterval,
// setImmediate and Date). The network does not run on the fake clock: sockets open, deliver and close, and the test
// kit's waits time out, in real time. Your own timers, the reliable socket's backoff included, wait for `tick`.
// Run: npm run build && node --test examples/node-test/
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test, mock } from 'node:test';
import { createWx } from 'wxsocket';
import { createReliableSocket } from 'wxsocket/reliable';
import { createTestServer, echo } from 'wxsocket/testing';

beforeEach(() => mock.timers.enable());
afterEach(() => mock.timers.reset());

/** The next event of this type from a reliable socket. */
function nextEvent(socket, type) {
  return new Promise((resolve) => {
    const off = socket.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}

test('a socket opens, echoes and closes while the clock is fake', async (t) => {
  const server = await createTestServer({ handler: echo });
  t.after(() => server.close());
  const task = createWx().connectSocket({ url: server.url });
  await new Promise((resolve) => task.onOpen(resolve));
  const receiving = new Promise((resolve) => task.onMessage(resolve));
  task.send({ data: 'hello' });
  assert.equal((await receiving).data, 'hello');
  const closing = new Promise((resolve) => task.onClose(resolve));
  task.close({ code: 1000, reason: 'bye' });
  assert.deepEqual(await closing, { code: 1000, reason: 'bye' });
});

test("the test kit's waits still time out", async (t) => {
  const server = await createTestServer();
  t.after(() => server.close());
  await assert.rejects(server.nextConnection({ timeout: 100 }), /Timed out after 100 ms/);
});

test('a reconnection with backoff, driven by the fake clock', async (t) => {
  // The first reconnection is refused (TCP connection 2), so the second delay is twice the first.
  const server = await createTestServer({ fault: ({ number }) => (number === 2 ? { type: 'refuse' } : undefined) });
  const socket = createReliableSocket(createWx(), { url: server.url, reconnect: { initialDelay: 1000, jitter: 0 } });
  t.after(async () => {
    socket.close();
    await server.close();
  });
  await nextEvent(socket, 'open');

  const first = nextEvent(socket, 'reconnecting');
  await (await server.nextConnection()).inject({ type: 'drop' });
  assert.deepEqual(await first, { attempt: 1, delay: 1000 });
  mock.timers.tick(999);
  assert.equal(socket.state, 'waiting'); // not a millisecond early

  const second = nextEvent(socket, 'reconnecting');
  mock.timers.tick(1);
  assert.deepEqual(await second, { attempt: 2, delay: 2000 });

  const opening = nextEvent(socket, 'open');
  mock.timers.tick(2000);
  assert.equal((await opening).reconnected, true);
  assert.equal(server.connectionCount, 3);
});
