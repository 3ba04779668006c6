// What the app and the platform ask for, and what wins when requests meet: close() (end) over a pause (pause(),
// wx.onAppHide) over a connect (reconnect(), resume(), wx.onAppShow). Driven with a hand-controlled wx, so each
// request lands in the exact state it is about (a task still closing, a pause already in place).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reliableOverFakeWx } from './over-fake-wx.js';

const setUp = reliableOverFakeWx;

describe('end ranks above pause and connect', () => {
  test('while a task closes for good, pause(), resume(), reconnect(), hide and show change nothing', () => {
    const { wx, timers, socket, log } = setUp();
    wx.last.open();
    socket.close(4100, 'bye');
    socket.pause();
    wx.hide();
    socket.resume();
    wx.show();
    socket.reconnect();
    assert.equal(socket.state, 'closing');
    assert.equal(socket.send('late'), 'dropped');
    wx.last.end(4100, 'bye');
    assert.deepEqual(log.all('close'), [{ code: 4100, reason: 'bye', final: true }]);
    assert.equal(wx.tasks.length, 1);
    assert.deepEqual(timers.pending, []);
  });

  test('close() while a task closes for a pause ends the socket; the close that was asked first is reported', () => {
    const { wx, socket, log } = setUp();
    wx.last.open();
    socket.pause();
    socket.close(4100, 'bye');
    wx.last.end(1000, 'paused');
    assert.deepEqual(log.all('close'), [{ code: 1000, reason: 'paused', final: true }]);
    assert.equal(wx.hideListeners.size + wx.showListeners.size, 0);
  });
});

describe('pause ranks above connect', () => {
  test('reconnect() while paused keeps the socket paused; resume() connects', () => {
    const { wx, socket } = setUp();
    wx.last.open();
    socket.pause();
    wx.last.end(1000, 'paused');
    socket.reconnect();
    assert.equal(socket.state, 'paused');
    assert.equal(wx.tasks.length, 1);
    socket.resume();
    assert.equal(socket.state, 'connecting');
    assert.equal(wx.tasks.length, 2);
  });

  test('reconnect() while a task closes for a pause: paused once it has ended', () => {
    const { wx, socket, log } = setUp();
    wx.last.open();
    socket.pause();
    socket.reconnect();
    wx.last.end(1000, 'paused');
    assert.equal(socket.state, 'paused');
    assert.equal(wx.tasks.length, 1);
    assert.deepEqual(log.all('close'), [{ code: 1000, reason: 'paused', final: false }]);
  });

  test('pause() while a lost connection closes: paused once it has ended, no backoff, even with reconnect: false', () => {
    const { wx, timers, socket, log } = setUp({ reconnect: false });
    wx.last.open();
    wx.last.error('connection reset');
    assert.equal(socket.state, 'closing');
    socket.pause();
    wx.last.end();
    assert.equal(socket.state, 'paused');
    assert.deepEqual(log.all('reconnecting'), []);
    assert.deepEqual(timers.pending, []);
    socket.resume();
    assert.equal(wx.tasks.length, 2);
  });

  test('wx.onAppShow lifts only what wx.onAppHide did: hidden, then pause(), then shown stays paused', () => {
    const { wx, socket } = setUp();
    wx.last.open();
    wx.hide();
    wx.last.end(1000, 'paused');
    socket.pause();
    wx.show();
    assert.equal(socket.state, 'paused');
    assert.equal(wx.tasks.length, 1);
    socket.resume();
    assert.equal(wx.tasks.length, 2);
  });

  test('resume() while a task closes for a pause: the next task comes at once when it has ended, no backoff', () => {
    const { wx, timers, socket, log } = setUp();
    wx.last.open();
    socket.pause();
    socket.resume();
    assert.equal(socket.state, 'closing');
    wx.last.end(1000, 'paused');
    assert.equal(socket.state, 'connecting');
    assert.equal(wx.tasks.length, 2);
    assert.deepEqual(log.all('reconnecting'), []);
    assert.deepEqual(timers.pending, []);
  });
});

describe('connect', () => {
  test('reconnect() while a lost connection closes: the next task comes at once when it has ended', () => {
    const { wx, timers, socket, log } = setUp();
    wx.last.open();
    wx.last.error('connection reset');
    socket.reconnect();
    wx.last.end();
    assert.equal(socket.state, 'connecting');
    assert.deepEqual(log.all('reconnecting'), []);
    assert.deepEqual(timers.pending, []);
  });

  test('a late event of a replaced task is ignored: its attempt was detached when it ended', () => {
    const { wx, socket, log } = setUp({ closeTimeout: 2000 });
    const first = wx.last;
    first.open();
    socket.reconnect();
    first.end(1000, 'reconnect');
    const second = wx.last;
    first.open();
    first.receive('stale');
    first.error('stale');
    first.end();
    assert.equal(socket.state, 'connecting');
    assert.deepEqual(log.types, ['open', 'close']);
    second.open();
    assert.equal(socket.state, 'open');
  });
});
