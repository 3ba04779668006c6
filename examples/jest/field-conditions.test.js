// The app going to the background and the phone going offline (docs/field-conditions.md), with jest's default fake
// timers: the suspension 5 s after `hide()` is on the test's clock, the socket events are not.

const { createWx, phoneOf } = require('wxsocket');
const { createTestServer, echo } = require('wxsocket/testing');

const cleanups = [];
beforeEach(() => jest.useFakeTimers());
afterEach(async () => {
  jest.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A wx object with one open socket, and a log of what the mini program sees. */
async function openSocket(server) {
  const wx = createWx();
  const seen = [];
  wx.onAppHide(() => seen.push('onAppHide'));
  wx.onAppShow(() => seen.push('onAppShow'));
  wx.onNetworkStatusChange((result) => seen.push(`network ${result.networkType}`));
  const task = wx.connectSocket({ url: server.url });
  task.onError((result) => seen.push(`onError ${result.errMsg}`));
  const closed = new Promise((resolve) => task.onClose(resolve));
  await new Promise((resolve) => task.onOpen(resolve));
  return { wx, phone: phoneOf(wx), task, seen, closed };
}

test('5 s in the background: the app is suspended, its socket closed; back in front it learns why', async () => {
  const server = await createTestServer({ handler: echo });
  cleanups.push(() => server.close());
  const { phone, seen, closed } = await openSocket(server);
  const client = await server.nextConnection();

  phone.hide();
  jest.advanceTimersByTime(4999);
  expect(phone.state.app).toBe('background'); // sockets stay open for the first 5 s
  jest.advanceTimersByTime(1);
  expect(phone.state.app).toBe('suspended');
  expect(await client.waitForClose()).toEqual({ code: 1000, reason: 'default_close' });

  phone.show(); // onAppShow first, then what was held while suspended
  expect(await closed).toEqual({ code: 1000, reason: 'interrupted' });
  expect(seen).toEqual(['onAppHide', 'onAppShow']);
});

test('offline: the status change first, then the socket fails; no timer involved', async () => {
  const server = await createTestServer({ handler: echo });
  cleanups.push(() => server.close());
  const { phone, seen, closed } = await openSocket(server);

  phone.offline();
  expect(await closed).toEqual({ code: 1006, reason: 'abnormal closure' });
  expect(seen).toEqual(['network none', 'onError network is down']);
});
