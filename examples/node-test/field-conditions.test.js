// The app going to the background and the phone going offline (docs/field-conditions.md), with node:test's default
// fake timers: the suspension 5 s after `hide()` is on the test's clock, the socket events are not.
// Run: npm run build && node --test examples/node-test/
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { createWx, phoneOf } from 'wxsocket';
import { createTestServer, echo } from 'wxsocket/testing';

beforeEach(() => mock.timers.enable());
afterEach(() => mock.timers.reset());

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

test('5 s in the background: the app is suspended, its socket closed; back in front it learns why', async (t) => {
  const server = await createTestServer({ handler: echo });
  t.after(() => server.close());
  const { phone, seen, closed } = await openSocket(server);
  const client = await server.nextConnection();

  phone.hide();
  mock.timers.tick(4999);
  assert.equal(phone.state.app, 'background'); // sockets stay open for the first 5 s
  mock.timers.tick(1);
  assert.equal(phone.state.app, 'suspended');
  assert.deepEqual(await client.waitForClose(), { code: 1000, reason: 'default_close' });

  phone.show(); // onAppShow first, then what was held while suspended
  assert.deepEqual(await closed, { code: 1000, reason: 'interrupted' });
  assert.deepEqual(seen, ['onAppHide', 'onAppShow']);
});

test('offline: the status change first, then the socket fails; no timer involved', async (t) => {
  const server = await createTestServer({ handler: echo });
  t.after(() => server.close());
  const { phone, seen, closed } = await openSocket(server);

  phone.offline();
  assert.deepEqual(await closed, { code: 1006, reason: 'abnormal closure' });
  assert.deepEqual(seen, ['network none', 'onError network is down']);
});
