// node:test's mock.timers drives the socket's default timers too (they look up the global setTimeout at each call),
// an alternative to the `timers` option.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { createReliableSocket } from '../../src/reliable/index.js';
import { FakeWx } from './fake-wx.js';
test('the default timers follow node:test mock.timers, enabled after the module was loaded', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const wx = new FakeWx();
    const socket = createReliableSocket(wx, { url: 'wss://x/', reconnect: { initialDelay: 1000, jitter: 0 } });
    wx.last.open();
    wx.last.end();
    assert.equal(socket.state, 'waiting');
    mock.timers.tick(999);
    assert.equal(wx.tasks.length, 1);
    mock.timers.tick(1);
    assert.equal(wx.tasks.length, 2);
    socket.close();
    wx.last.end(1000, '');
    assert.equal(socket.state, 'closed');
  } finally {
    mock.timers.reset();
  }
});
