/**
 * Contract §0.8: a Promise returned by the API never ends the process when nobody handles its rejection, and
 * neither do the promises derived from it with `then`, `catch` and `finally` (`task.send({data}).then(fn)` on a
 * failed call): WeChat only logs such a rejection, so it goes to `reportError`. The process's own
 * `unhandledRejection` event is watched to prove that nothing reaches it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createWx } from '../../src/node.js';
import type { Transport } from '../../src/transport.js';
import { settle } from '../conformance/recorder.js';
import { CrashRecorder } from '../helpers/leaks.js';

/** A transport whose connections open (when `open`) and take every send, touching no network. */
function quietTransport(open: boolean): Transport {
  return (_request, handlers) => {
    if (open) setTimeout(() => handlers.onOpen({}, {} as never), 0);
    return {
      send: (_data, done) => done && setTimeout(done, 0),
      close: (code, reason) => setTimeout(() => handlers.onClose(code, reason), 0),
      abort: () => setTimeout(() => handlers.onClose(1006, ''), 0),
      bufferedAmount: 0,
    };
  };
}

function setup(platform: 'android' | 'ios', open = false) {
  const reports: [unknown, string][] = [];
  const wx = createWx({
    platform,
    transport: quietTransport(open),
    reportError: (error, where) => reports.push([error, where]),
  });
  return { wx, reports };
}

const notOpen = { errMsg: 'SocketTask.send:fail SocketTask.readyState is not OPEN' };

describe('§0.8 derived promises of the API', () => {
  let crashes: CrashRecorder;
  beforeEach(() => (crashes = new CrashRecorder()));
  afterEach(() => crashes.stop());

  it('ios: task.send(...).then(fn), .then(f).then(g) and .finally(fn) on a failed send are reported once each, never raised', async () => {
    const { wx, reports } = setup('ios');
    const task = wx.connectSocket({ url: 'ws://example.invalid/' });
    const called: string[] = [];
    void (task.send({ data: 'a' }) as Promise<unknown>).then(() => called.push('then'));
    void (task.send({ data: 'b' }) as Promise<unknown>).then(() => called.push('f')).then(() => called.push('g'));
    void (task.send({ data: 'c' }) as Promise<unknown>).finally(() => called.push('finally'));
    await settle(5);
    crashes.check('derived promises');
    assert.deepEqual(called, ['finally']);
    assert.deepEqual(reports, [
      [notOpen, 'unhandled rejection of sendSocketMessage'],
      [notOpen, 'unhandled rejection of sendSocketMessage'],
      [notOpen, 'unhandled rejection of sendSocketMessage'],
    ]);
    void task.close();
  });

  it('a derived promise that a handler rejects is reported with what the handler threw', async () => {
    const { wx, reports } = setup('android', true);
    const task = wx.connectSocket({ url: 'ws://example.invalid/' });
    await new Promise<void>((resolve) => task.onOpen(() => resolve()));
    const thrown = new Error('handler threw');
    void (wx.sendSocketMessage({ data: 'x' }) as Promise<unknown>).then(() => {
      throw thrown;
    });
    await settle(5);
    crashes.check('a handler that throws');
    assert.deepEqual(reports, [[thrown, 'unhandled rejection of sendSocketMessage']]);
    void task.close();
  });

  it('handled chains are not reported: catch, then with a rejection handler, await in try, a late catch in the same turn', async () => {
    const { wx, reports } = setup('ios');
    const task = wx.connectSocket({ url: 'ws://example.invalid/' });
    const caught: unknown[] = [];
    void (task.send({ data: 'a' }) as Promise<unknown>).catch((error) => caught.push(error));
    void (task.send({ data: 'b' }) as Promise<unknown>).then(undefined, (error) => caught.push(error));
    void (task.send({ data: 'c' }) as Promise<unknown>).then(() => 'never').catch((error) => caught.push(error));
    const derived = (task.send({ data: 'd' }) as Promise<unknown>).finally(() => {});
    await Promise.resolve();
    derived.catch((error) => caught.push(error));
    try {
      await task.send({ data: 'e' });
    } catch (error) {
      caught.push(error);
    }
    await settle(5);
    crashes.check('handled chains');
    assert.equal(caught.length, 5);
    assert.deepEqual(reports, []);
    void task.close();
  });

  it('android, 2.10.2 and newer: wx.closeSocket().then(fn) with no socket is reported, never raised', async () => {
    const { wx, reports } = setup('android');
    void (wx.closeSocket() as unknown as Promise<unknown>).then(() => {});
    await settle(5);
    crashes.check('the global API');
    assert.deepEqual(reports, [
      [{ errMsg: 'closeSocket:fail WebSocket is not connected' }, 'unhandled rejection of closeSocket'],
    ]);
  });
});
