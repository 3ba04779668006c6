/**
 * Regression tests for what the property tests found: each input once, by name, so a return of the bug fails here
 * with a readable message (contract §0.5: nothing throws out of a `wx.*` or `SocketTask` method; `createWx` throws
 * only `WxOptionsError`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WxOptionsError, createWx } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import { FakeNetwork, fakeUrl } from './fake-network.js';
import { revokedProxy } from './hostile.js';
import { until } from '../helpers/leaks.js';
import { Reports } from './oracle.js';

/** A proxy whose every trap throws a revoked proxy: even `instanceof` on what it throws throws. */
function throwsRevoked(): object {
  return new Proxy(
    {},
    new Proxy(
      {},
      {
        get: () => () => {
          throw revokedProxy();
        },
      },
    ),
  );
}

function recorder() {
  const calls: Array<[string, { errMsg: string }]> = [];
  return {
    calls,
    success: (result: { errMsg: string }) => void calls.push(['success', result]),
    fail: (result: { errMsg: string }) => void calls.push(['fail', result]),
    complete: (result: { errMsg: string }) => void calls.push(['complete', result]),
  };
}

async function openTask(platform: 'android' | 'ios' = 'android') {
  const network = new FakeNetwork();
  const reports = new Reports();
  const wx = createWx({ platform, transport: network.transport, reportError: reports.report });
  const task = wx.connectSocket({ url: fakeUrl('open') }) as SocketTask;
  let opened = false;
  task.onOpen(() => (opened = true));
  await until(() => opened, { maxTurns: 50 });
  return { network, reports, wx, task };
}

describe('regressions found by the property tests', () => {
  it('§0.5 connectSocket: a header whose enumeration throws a revoked proxy ends in fail and complete (it ended in nothing)', async () => {
    const network = new FakeNetwork();
    const reports = new Reports();
    const wx = createWx({ transport: network.transport, reportError: reports.report });
    const spy = recorder();
    assert.equal(wx.connectSocket({ url: fakeUrl('open'), header: throwsRevoked(), ...spy } as never), undefined);
    await until(() => spy.calls.length === 2, { maxTurns: 20 });
    assert.deepEqual(
      spy.calls.map(([name]) => name),
      ['fail', 'complete'],
    );
    assert.match(spy.calls[0]![1].errMsg, /^connectSocket:fail parameter error: parameter could not be read: /);
    assert.deepEqual(reports.internal(), []);
    assert.equal(network.requests.length, 0);
  });

  it('createWx: an option getter that throws a revoked proxy gives a WxOptionsError (it threw a TypeError)', () => {
    const options = Object.defineProperty({}, 'platform', {
      enumerable: true,
      get: () => {
        throw revokedProxy();
      },
    });
    assert.throws(
      () => createWx(options),
      (error: unknown) => error instanceof WxOptionsError && error.option === '(options)',
    );
  });

  for (const [name, make] of [
    ['a revoked proxy', () => revokedProxy()],
    ['an object tagged ArrayBuffer', () => ({ [Symbol.toStringTag]: 'ArrayBuffer' })],
    ['a proxy of an ArrayBuffer', () => new Proxy(new ArrayBuffer(2), {})],
    ['a SharedArrayBuffer', () => new SharedArrayBuffer(2)],
  ] as const) {
    it(`§2 task.send with data ${name} fails with "unknown data", does not throw, and the connection survives`, async () => {
      const { network, reports, task } = await openTask();
      const spy = recorder();
      assert.doesNotThrow(() => task.send({ data: make() as never, ...spy }));
      await until(() => spy.calls.length === 2, { maxTurns: 20 });
      assert.deepEqual(
        spy.calls.map(([call, result]) => [call, result.errMsg]),
        [
          ['fail', 'sendSocketMessage:fail unknown data'],
          ['complete', 'sendSocketMessage:fail unknown data'],
        ],
      );
      assert.equal(task.readyState, 1);
      assert.deepEqual(network.misuse, []);
      assert.deepEqual(reports.internal(), []);
      void task.close({});
      await until(() => network.quiet, { maxTurns: 50 });
    });
  }

  for (const [name, receiverOf] of [
    ['an object inheriting from the task', (task: SocketTask) => Object.create(task) as unknown],
    ['a proxy of the task (as Vue reactive() makes)', (task: SocketTask) => new Proxy(task, {})],
  ] as const) {
    it(`§0.5 task methods called on ${name} act on the task itself`, async () => {
      const { network, reports, task } = await openTask('ios');
      const receiver = receiverOf(task) as SocketTask;
      assert.doesNotThrow(() => receiver.onMessage(() => undefined));
      const spy = recorder();
      void receiver.send({ data: 'x', ...spy });
      await until(() => spy.calls.length === 2, { maxTurns: 20 });
      assert.deepEqual(
        spy.calls.map(([call, result]) => [call, result.errMsg]),
        [
          ['success', 'sendSocketMessage:ok'],
          ['complete', 'sendSocketMessage:ok'],
        ],
      );
      assert.equal(receiver.readyState, 1);
      void receiver.close({});
      await until(() => network.quiet, { maxTurns: 50 });
      assert.equal(task.readyState, 3);
      assert.deepEqual(reports.internal(), []);
    });
  }

  it('§0.5 task methods called on a revoked proxy or a look-alike do not throw; send and close fail as called on a non-task', async () => {
    const { network, reports, task } = await openTask('ios');
    for (const receiver of [revokedProxy(), { ...task }, Object.assign(Object.create(null), task)]) {
      for (const method of ['onOpen', 'onMessage', 'onError', 'onClose'] as const) {
        assert.doesNotThrow(() => (task[method] as Function).call(receiver, () => undefined), method);
      }
      for (const method of ['send', 'close'] as const) {
        const spy = recorder();
        assert.doesNotThrow(() => (task[method] as Function).call(receiver, { data: 'x', ...spy }), method);
        await until(() => spy.calls.length === 2, { maxTurns: 20 });
        assert.match(
          spy.calls[0]![1].errMsg,
          new RegExp(
            `^(sendSocketMessage|closeSocket):fail parameter error: SocketTask\\.${method} called on an object that is not a SocketTask$`,
          ),
        );
      }
    }
    assert.equal(task.readyState, 1, 'the real task is untouched');
    assert.deepEqual(reports.internal(), []);
    void task.close({});
    await until(() => network.quiet, { maxTurns: 50 });
  });

  it("§2 readyState read through a proxy of the task (Vue reactive()) gives the task's state", async () => {
    const { network, task } = await openTask();
    try {
      assert.equal((new Proxy(task, {}) as SocketTask).readyState, 1);
    } finally {
      void task.close({});
      await until(() => network.quiet, { maxTurns: 50 });
    }
  });
});
