/**
 * Contract §8.1: the app lifecycle. `wx.onAppShow`/`onAppHide` and their `off*`, and what hiding, suspending and
 * showing the app (through `phoneOf(wx)`, the emulated phone's control) does to its sockets.
 */
import assert from 'node:assert/strict';
import { phoneOf } from '../../src/phone.js';
import type { SocketTask, Wx } from '../../src/types.js';
import type { Suite } from './env.js';
import { openAndClose, openTask, withPhone } from './phone-session.js';
import { Log, callbacks, recordGlobal, recordTask, settle } from './recorder.js';

const SUSPENDED_CONNECT =
  'connectSocket:fail createSocketTask:fail: jsapi has no permission, event=createSocketTask, ' +
  'runningState=suspend, permissionMsg=permission ok, detail=network api interrupted in suspend state';

const SUSPENDED_CLOSE =
  'closeSocket:fail operateSocketTask:fail: jsapi has no permission, event=operateSocketTask, ' +
  'runningState=suspend, permissionMsg=permission ok, detail=network api interrupted in suspend state';

/** Logs `onAppShow` and `onAppHide` as `show` and `hide`. */
function recordApp(wx: Wx, log: Log): Log {
  wx.onAppShow((result) => log.add('show', result));
  wx.onAppHide((result) => log.add('hide', result));
  return log;
}

export const appLifecycleSuite: Suite = (env, test) => {
  const appEvents = env.atLeast('2.1.2') ? false : 'wx.onAppShow arrived in 2.1.2';
  const tasks = env.atLeast('1.7.0') ? false : 'below 1.7.0 there is no SocketTask';
  const notSendOpen =
    env.platform === 'ios'
      ? 'SocketTask.send:fail SocketTask.readyState is not OPEN'
      : 'sendSocketMessage:fail WebSocket is not connected';

  test('§8.1 wx.onAppShow/onAppHide/offAppShow/offAppHide exist from 2.1.2 on, as wx.canIUse says', async () => {
    const names = ['onAppShow', 'onAppHide', 'offAppShow', 'offAppHide'] as const;
    for (const SDKVersion of ['2.1.1', '2.1.2', '3.6.0']) {
      const wx = env.createWx({ SDKVersion });
      const expected = SDKVersion !== '2.1.1';
      for (const name of names) {
        assert.equal(typeof wx[name] === 'function', expected, `${name} at ${SDKVersion}`);
        assert.equal(wx.canIUse(name), expected, `canIUse(${name}) at ${SDKVersion}`);
      }
      assert.equal(wx.canIUse('onAppShow.callback.apiCategory'), SDKVersion === '3.6.0');
      assert.equal(wx.canIUse('onAppHide.callback.reason'), SDKVersion === '3.6.0');
    }
  });

  test(
    '§8.1 hide then show: listeners are additive and in order, off* removes one or all, payloads as configured',
    async () => {
      const reported: unknown[] = [];
      const wx = env.createWx({
        launch: { path: 'pages/chat/chat', scene: 1007, query: { room: '7' } },
        reportError: (error) => reported.push(error),
      });
      const phone = phoneOf(wx);
      const log = new Log();
      const first = (result: unknown): void => log.add('show 1', result);
      const removed = (): void => log.add('removed', null);
      wx.onAppShow(first);
      wx.onAppShow(() => {
        throw new Error('listener failure');
      });
      wx.onAppShow((result) => log.add('show 2', result));
      wx.onAppShow(removed);
      wx.offAppShow(removed);
      wx.onAppHide((result) => log.add('hide', result));
      wx.onAppHide(removed);
      wx.offAppHide(removed);

      phone.hide();
      assert.equal(phone.state.app, 'background');
      assert.deepEqual(log.names(), [], 'nothing runs inside the control call (§0.1)');
      phone.show();
      await log.waitFor('show 2');
      const shown = {
        path: 'pages/chat/chat',
        scene: 1007,
        query: { room: '7' },
        referrerInfo: {},
        ...(env.atLeast('2.20.0') && { apiCategory: 'default' }),
      };
      assert.deepEqual(log.entries, [
        ['hide', env.atLeast('3.5.7') ? { reason: 3 } : {}],
        ['show 1', shown],
        ['show 2', shown],
      ]);
      assert.equal(reported.length, 1, 'the throwing listener is reported and the others still run (§0.3)');
      assert.equal(phone.state.app, 'foreground');

      // A show with its own launch fields (a hot start from a shared card), then off*() removes every listener.
      phone.hide({ reason: 1 });
      phone.show({ scene: 1044, query: {} });
      await log.waitFor('show 2', { count: 2 });
      assert.deepEqual(log.all('show 1')[1], { ...shown, scene: 1044, query: {} });
      wx.offAppShow();
      wx.offAppHide();
      phone.hide();
      phone.show();
      await settle(5);
      assert.equal(log.entries.length, 6, 'no listener left after off*()');
    },
    { skip: appEvents },
  );

  test(
    '§8.1 shown again before the suspension: sockets stay open, messages flow in the background, nothing closes',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        const { task, log } = await openTask(wx, server.url);
        phone.hide(); // the default delay, 5 s: the app is shown long before
        void task.send({ data: 'in the background' });
        assert.deepEqual(await log.waitFor('message'), { data: 'in the background' });
        phone.show();
        void task.send({ data: 'back' });
        assert.deepEqual(await log.waitFor('message', { count: 2 }), { data: 'back' });
        assert.equal(task.readyState, 1);
        void task.close({});
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['open', 'message', 'message', 'close']);
      }),
    { skip: tasks },
  );

  test(
    '§8.1 suspension closes each socket from the client (close 1000 seen by the server) and delivers nothing until show',
    () =>
      withPhone(env, { server: { echo: false }, wx: { suspendDelay: 0 } }, async ({ server, wx, phone }) => {
        const log = new Log();
        if (env.atLeast('2.1.2')) recordApp(wx, log);
        recordGlobal(wx, log);
        const { task } = await openTask(wx, server.url, log);
        const client = await server.nextConnection();
        phone.hide();
        assert.deepEqual(await client.waitForClose(), { code: 1000, reason: 'default_close' });
        assert.equal(phone.state.app, 'suspended');

        // While suspended: calls fail, but no callback runs and no event comes.
        const during = new Log();
        const refused = wx.connectSocket({ url: server.url, ...callbacks(during, 'connect ') });
        assert.equal(refused.readyState, 3);
        void task.send({ data: 'lost', ...callbacks(during, 'send ') });
        await settle(5);
        assert.deepEqual(during.names(), [], 'nothing delivered while suspended');
        const appEventNames = (names: string[]): string[] => (env.atLeast('2.1.2') ? names : []);
        assert.deepEqual(log.names(), ['open', 'onSocketOpen', ...appEventNames(['hide'])]);
        assert.equal(await server.connectionCount(), 1, 'no connection attempted while suspended');

        phone.show();
        await log.waitFor('close');
        await during.waitFor('send complete');
        assert.deepEqual(
          log.names(),
          ['open', 'onSocketOpen', ...appEventNames(['hide', 'show']), 'close', 'onSocketClose'],
          'onAppShow first, then onClose, no onError',
        );
        assert.deepEqual(log.only('close'), { code: 1000, reason: 'interrupted' });
        assert.deepEqual(log.only('onSocketClose'), { code: 1000, reason: 'interrupted' });
        assert.deepEqual(during.only('connect fail'), { errMsg: SUSPENDED_CONNECT });
        assert.deepEqual(during.only('send fail'), { errMsg: notSendOpen });
        assert.equal(task.readyState, 3);

        // The slot is free again and the network usable: a new socket opens.
        await openAndClose(wx, server.url);
      }),
    { skip: tasks },
  );

  test(
    '§8.1 suspend() at once: every socket not CLOSED, opening ones included, ends once with {1000, "interrupted"}',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        const { log: openLog } = await openTask(wx, server.url);
        const opening = wx.connectSocket({ url: server.url });
        const openingLog = recordTask(opening);
        phone.suspend(); // same turn: `opening` never reaches the network
        assert.equal(phone.state.app, 'suspended');
        await settle(5);
        assert.deepEqual(openingLog.names(), []);
        phone.show();
        await openingLog.waitFor('close');
        await openLog.waitFor('close');
        assert.deepEqual(openingLog.entries, [['close', { code: 1000, reason: 'interrupted' }]]);
        assert.deepEqual(openLog.names(), ['open', 'close']);
        assert.equal(await server.connectionCount(), 1);
        await settle(5);
        assert.equal(openingLog.entries.length + openLog.entries.length, 3, 'exactly once');
      }),
    { skip: tasks },
  );

  test(
    '§8.1 with requiredBackgroundModes ["audio"] the app is not suspended and its sockets survive the background',
    () =>
      withPhone(env, { wx: { requiredBackgroundModes: ['audio'], suspendDelay: 0 } }, async ({ server, wx, phone }) => {
        const { task, log } = await openTask(wx, server.url);
        phone.hide();
        // A round trip takes longer than a suspension due at 0 ms would.
        void task.send({ data: 'still here' });
        assert.deepEqual(await log.waitFor('message'), { data: 'still here' });
        await settle(5);
        assert.equal(phone.state.app, 'background');
        assert.equal(task.readyState, 1);
        phone.show();
        void task.close({});
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['open', 'message', 'close']);
      }),
    { skip: tasks },
  );

  test('§8.1 a close while suspended fails with the suspend text; after show, the onClose of the suspension comes first', () =>
    withPhone(env, {}, async ({ server, wx, phone }) => {
      const log = new Log();
      recordGlobal(wx, log);
      const task: SocketTask | undefined = wx.connectSocket({ url: server.url }); // none < 1.7.0
      if (task) recordTask(task, log);
      await log.waitFor('onSocketOpen');
      phone.suspend();
      const after = log.entries.length;
      void task?.close({ ...callbacks(log, 'task.close ') });
      void wx.closeSocket({ ...callbacks(log, 'wx.closeSocket ') });
      if (env.atLeast('2.1.2')) wx.onAppShow(() => log.add('show', null));
      await settle(5);
      assert.equal(log.entries.length, after, 'nothing delivered while suspended');
      if (task) assert.equal(task.readyState, 1, 'readyState changes with the onClose, which has not come yet');
      phone.show();
      await log.waitFor('wx.closeSocket complete');
      if (task) assert.equal(task.readyState, 3);
      assert.deepEqual(
        log.names().slice(after),
        [
          ...(env.atLeast('2.1.2') ? ['show'] : []),
          ...(task ? ['close'] : []),
          'onSocketClose',
          ...(task ? ['task.close fail', 'task.close complete'] : []),
          'wx.closeSocket fail',
          'wx.closeSocket complete',
        ],
        'what fell due at the suspension comes before the results of the calls made after it',
      );
      assert.deepEqual(log.only('onSocketClose'), { code: 1000, reason: 'interrupted' });
      if (task) assert.deepEqual(log.only('task.close fail'), { errMsg: SUSPENDED_CLOSE });
      assert.deepEqual(log.only('wx.closeSocket fail'), { errMsg: SUSPENDED_CLOSE });
    }));

  test('§8.1 below 1.7.0 the suspension ends the global socket too: onSocketClose {1000, "interrupted"} after show', () =>
    withPhone(env, {}, async ({ server, wx, phone }) => {
      const log = recordGlobal(wx);
      wx.connectSocket({ url: server.url });
      await log.waitFor('onSocketOpen');
      phone.suspend();
      await settle(3);
      assert.deepEqual(log.entries.slice(1), [], 'nothing delivered while suspended');
      phone.show();
      assert.deepEqual(await log.waitFor('onSocketClose'), { code: 1000, reason: 'interrupted' });
    }));
};
