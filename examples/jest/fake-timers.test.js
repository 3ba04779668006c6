// Fake timers and sockets, with jest's defaults (`jest.useFakeTimers()` fakes setTimeout, setImmediate,
// queueMicrotask, process.nextTick, Date...). The network does not run on the fake clock: sockets open, deliver and
// close, and the test kit's waits time out, in real time. Your own timers, the reliable socket's backoff included,
// wait for `jest.advanceTimersByTime`.
const { createWx } = require('wxsocket');
const { createReliableSocket } = require('wxsocket/reliable');
const { createTestServer, echo } = require('wxsocket/testing');

const cleanups = [];
beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  jest.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The next event of this type from a reliable socket. */
function nextEvent(socket, type) {
  return new Promise((resolve) => {
    const off = socket.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}

test('a socket opens, echoes and closes while the clock is fake', async () => {
  const server = await createTestServer({ handler: echo });
  cleanups.push(() => server.close());
  const task = createWx().connectSocket({ url: server.url });
  await new Promise((resolve) => task.onOpen(resolve));
  const receiving = new Promise((resolve) => task.onMessage(resolve));
  task.send({ data: 'hello' });
  expect((await receiving).data).toBe('hello');
  const closing = new Promise((resolve) => task.onClose(resolve));
  task.close({ code: 1000, reason: 'bye' });
  expect(await closing).toEqual({ code: 1000, reason: 'bye' });
});

test('a refused upgrade is still reported', async () => {
  const server = await createTestServer({ fault: { type: 'http-status', status: 403 } });
  cleanups.push(() => server.close());
  const task = createWx().connectSocket({ url: server.url });
  const closing = new Promise((resolve) => task.onClose(resolve));
  // code 20: the upgrade was answered, not with 101 (the text around it differs per platform and base library).
  expect((await new Promise((resolve) => task.onError(resolve))).errMsg).toMatch(/code:20/);
  expect(await closing).toEqual({ code: 1006, reason: 'abnormal closure' });
});

test("the test kit's waits still time out", async () => {
  const server = await createTestServer();
  cleanups.push(() => server.close());
  await expect(server.nextConnection({ timeout: 100 })).rejects.toThrow(/Timed out after 100 ms/);
});

test('a reconnection with backoff, driven by the fake clock', async () => {
  // The first reconnection is refused (TCP connection 2), so the second delay is twice the first.
  const server = await createTestServer({ fault: ({ number }) => (number === 2 ? { type: 'refuse' } : undefined) });
  cleanups.push(() => server.close());
  const socket = createReliableSocket(createWx(), { url: server.url, reconnect: { initialDelay: 1000, jitter: 0 } });
  cleanups.push(() => socket.close());
  await nextEvent(socket, 'open');

  const first = nextEvent(socket, 'reconnecting');
  await (await server.nextConnection()).inject({ type: 'drop' });
  expect(await first).toEqual({ attempt: 1, delay: 1000 });
  jest.advanceTimersByTime(999);
  expect(socket.state).toBe('waiting'); // not a millisecond early

  const second = nextEvent(socket, 'reconnecting');
  jest.advanceTimersByTime(1);
  expect(await second).toEqual({ attempt: 2, delay: 2000 });

  const opening = nextEvent(socket, 'open');
  jest.advanceTimersByTime(2000);
  expect((await opening).reconnected).toBe(true);
  expect(server.connectionCount).toBe(3);
});
