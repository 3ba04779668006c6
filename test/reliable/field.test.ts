// Field conditions with a hand-controlled wx (contract §8): the network going away and coming back, a change of
// network while connected, the app hidden and shown meanwhile, and a wx without these APIs. The same cycles against
// a real server and wxsocket's emulated phone are in field-phone.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeWx } from './fake-wx.js';
import { reliableOverFakeWx } from './over-fake-wx.js';

const setUp = reliableOverFakeWx;

describe('offline', () => {
  test('the connection the network took ends as the platform says; no attempt until the network is back', () => {
    const { wx, timers, socket, log } = setUp();
    wx.answerNetworkType();
    const first = wx.last;
    first.open();
    wx.setNetwork('none');
    assert.equal(socket.state, 'open', 'the socket closes nothing itself: the platform ends what the network took');
    assert.deepEqual(first.closeRequests, []);
    first.error('network is down');
    first.end(1006, 'abnormal closure');
    assert.equal(socket.state, 'paused');
    assert.deepEqual(log.all('close'), [{ code: 1006, reason: 'abnormal closure', final: false }]);
    assert.deepEqual(log.all('reconnecting'), [], 'no backoff burned');
    assert.deepEqual(timers.pending, []);
    assert.equal(socket.send('while offline'), 'queued');
    wx.setNetwork('4g');
    assert.equal(socket.state, 'connecting', 'at once, without a delay');
    assert.equal(wx.tasks.length, 2);
    wx.last.open();
    assert.deepEqual(wx.last.sent, ['while offline']);
  });

  test('going offline while waiting cancels the pending attempt; back online, the backoff starts again', () => {
    const { wx, timers, socket, log } = setUp();
    wx.last.open();
    wx.last.end();
    assert.deepEqual(log.all('reconnecting'), [{ attempt: 1, delay: 100 }]);
    wx.setNetwork('none');
    assert.equal(socket.state, 'paused');
    assert.deepEqual(timers.pending, []);
    wx.setNetwork('wifi');
    assert.equal(wx.tasks.length, 2);
    wx.last.error('exception onOpen fail code:2, msg:Underlying Transport Error');
    wx.last.end();
    assert.deepEqual(log.all('reconnecting').at(-1), { attempt: 1, delay: 100 });
  });

  test('an attempt that fails while offline is not retried and counts no failure', () => {
    const { wx, timers, socket, log } = setUp({ reconnect: { initialDelay: 100, jitter: 0, maxRetries: 1 } });
    wx.setNetwork('none');
    assert.equal(socket.state, 'connecting', 'an attempt already made is left to finish');
    wx.last.error('exception onOpen fail code:2, msg:Underlying Transport Error');
    wx.last.end();
    assert.equal(socket.state, 'paused');
    assert.equal(log.all('close').at(-1)?.final, false, 'maxRetries is about attempts made, not attempts held');
    assert.deepEqual(timers.pending, []);
  });

  test("wx.getNetworkType answering 'none' at creation: the first attempt's failure is not retried", () => {
    const { wx, socket, log } = setUp();
    wx.networkType = 'none';
    wx.answerNetworkType();
    wx.last.error('exception onOpen fail code:2, msg:Underlying Transport Error');
    wx.last.end();
    assert.equal(socket.state, 'paused');
    assert.deepEqual(log.all('reconnecting'), []);
    wx.setNetwork('wifi');
    assert.equal(wx.tasks.length, 2);
  });

  test('an answer of wx.getNetworkType older than a reported change is ignored', () => {
    const { wx, socket } = setUp();
    wx.last.open();
    wx.setNetwork('none'); // reported before the answer to the question asked at creation
    wx.networkType = 'wifi';
    wx.answerNetworkType();
    wx.last.end();
    assert.equal(socket.state, 'paused', 'still offline');
  });

  test('reconnect() while offline does nothing: the pause ranks higher', () => {
    const { wx, socket } = setUp();
    wx.setNetwork('none');
    wx.last.end();
    socket.reconnect();
    assert.equal(socket.state, 'paused');
    assert.equal(wx.tasks.length, 1);
  });
});

describe('a change of network while connected', () => {
  test('Wi-Fi to 4G: the connection is replaced at once (1000 "network changed"), without backoff', () => {
    const { wx, timers, socket, log } = setUp();
    wx.answerNetworkType();
    const first = wx.last;
    first.open();
    socket.send('a');
    wx.setNetwork('4g');
    assert.equal(socket.state, 'closing');
    assert.deepEqual(first.closeRequests, [{ code: 1000, reason: 'network changed' }]);
    // The platform kills it too (contract §8.3): the error is reported, the close is the socket's own.
    first.error('abnormal closure');
    first.end(1006, 'abnormal closure');
    assert.deepEqual(log.all('close'), [{ code: 1000, reason: 'network changed', final: false }]);
    assert.equal(socket.state, 'connecting');
    assert.deepEqual(timers.pending, []);
    wx.last.open();
    assert.deepEqual(wx.last.sent, ['a'], 'the unconfirmed message goes again on the new network');
  });

  test('the same network reported again changes nothing', () => {
    const { wx, socket } = setUp();
    wx.answerNetworkType();
    wx.last.open();
    wx.setNetwork('wifi');
    assert.equal(socket.state, 'open');
    assert.deepEqual(wx.last.closeRequests, []);
  });

  test('a change of network while a backoff delay runs connects at once', () => {
    const { wx, timers, socket } = setUp();
    wx.answerNetworkType();
    wx.last.end();
    assert.equal(socket.state, 'waiting');
    wx.setNetwork('4g');
    assert.equal(socket.state, 'connecting');
    assert.deepEqual(timers.pending, []);
  });
});

describe('the app hidden and the network together', () => {
  test('a network change while hidden does not connect; showing does', () => {
    const { wx, socket } = setUp();
    wx.answerNetworkType();
    wx.last.open();
    wx.hide();
    wx.last.end(1000, 'paused');
    wx.setNetwork('4g');
    assert.equal(socket.state, 'paused');
    assert.equal(wx.tasks.length, 1);
    wx.show();
    assert.equal(socket.state, 'connecting');
  });

  test('offline while hidden: showing keeps the socket paused and asks for the network again', () => {
    const { wx, socket } = setUp();
    wx.answerNetworkType();
    wx.last.open();
    wx.hide();
    wx.last.end(1000, 'paused');
    wx.setNetwork('none');
    wx.networkType = '4g'; // back while suspended, and never reported
    wx.show();
    assert.equal(socket.state, 'paused');
    assert.equal(wx.networkQuestions.length, 1);
    wx.answerNetworkType();
    assert.equal(socket.state, 'connecting');
    assert.equal(wx.tasks.length, 2);
  });
});

describe('listeners', () => {
  test("close() removes the socket's own network and app listeners, and only those", () => {
    const wx = new FakeWx();
    const others = { network: () => undefined, hide: () => undefined };
    wx.onNetworkStatusChange!(others.network);
    wx.onAppHide!(others.hide);
    const { socket } = setUp({}, wx);
    assert.equal(wx.networkListeners.size, 2);
    socket.close();
    wx.last.end(1000, '');
    assert.deepEqual([...wx.networkListeners], [others.network]);
    assert.deepEqual([...wx.hideListeners], [others.hide]);
    assert.equal(wx.showListeners.size, 0);
  });

  test('pauseInBackground: false still follows the network', () => {
    const { wx, socket } = setUp({ pauseInBackground: false });
    assert.equal(wx.hideListeners.size, 0);
    wx.setNetwork('none');
    wx.last.end();
    assert.equal(socket.state, 'paused');
  });

  test('a wx without the lifecycle and network APIs: a loss goes to the backoff as before', () => {
    const { wx, socket, log } = setUp({}, new FakeWx({ appEvents: false, network: false }));
    wx.last.open();
    wx.last.end();
    assert.equal(socket.state, 'waiting');
    assert.deepEqual(log.all('reconnecting'), [{ attempt: 1, delay: 100 }]);
  });
});
