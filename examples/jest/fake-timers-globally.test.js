// jest with `fakeTimers: {enableGlobally: true}` (the "fake-timers-globally" project in package.json): the fakes are
// in place before wxsocket loads, and wxsocket still finds the real timers for the network and the kit's waits.
const { createWx } = require('wxsocket');
const { createTestServer, echo } = require('wxsocket/testing');

afterEach(() => jest.clearAllTimers());

test('the fakes were installed before wxsocket loaded, and a socket still opens, echoes and closes', async () => {
  expect(typeof setTimeout.clock).toBe('object'); // a fake of @sinonjs/fake-timers, which jest uses
  const server = await createTestServer({ handler: echo });
  try {
    const task = createWx().connectSocket({ url: server.url });
    await new Promise((resolve) => task.onOpen(resolve));
    const receiving = new Promise((resolve) => task.onMessage(resolve));
    task.send({ data: 'hello' });
    expect((await receiving).data).toBe('hello');
    const closing = new Promise((resolve) => task.onClose(resolve));
    task.close({});
    expect(await closing).toEqual({ code: 1000, reason: '' });
    await expect(server.nextConnection({ timeout: 100 })).resolves.toBeDefined();
    await expect(server.nextConnection({ timeout: 100 })).rejects.toThrow(/Timed out after 100 ms/);
  } finally {
    await server.close();
  }
});
