/**
 * Contract §8.2 and §8.3: the network status APIs (`wx.getNetworkType`, `wx.onNetworkStatusChange`,
 * `wx.onNetworkWeakChange` and their `off*`), and what going offline, switching network and a weak link do to the
 * sockets, driven through `phoneOf(wx)`.
 */
import assert from 'node:assert/strict';
import { phoneOf } from '../../src/phone.js';
import type { Suite } from './env.js';
import { openAndClose, openTask, withPhone } from './phone-session.js';
import { Log, callbacks, recordGlobal, recordTask, settle, openFailure } from './recorder.js';

export const networkSuite: Suite = (env, test) => {
  const tasks = env.atLeast('1.7.0') ? false : 'below 1.7.0 there is no SocketTask';
  const statusEvents = env.atLeast('1.1.0') ? false : 'wx.onNetworkStatusChange arrived in 1.1.0';
  const weakEvents = env.atLeast('2.21.0') ? false : 'wx.onNetworkWeakChange arrived in 2.21.0';
  const errCode = (code: number): { errCode?: number } => (env.platform === 'android' ? { errCode: code } : {});

  test('§8.2 each network API exists from its base library version on, as wx.canIUse says', async () => {
    const since = {
      getNetworkType: '1.0.0',
      onNetworkStatusChange: '1.1.0',
      offNetworkStatusChange: '2.9.3',
      onNetworkWeakChange: '2.21.0',
      offNetworkWeakChange: '2.21.0',
    } as const;
    for (const SDKVersion of ['1.0.0', '1.1.0', '2.9.2', '2.9.3', '2.20.9', '2.21.0']) {
      const wx = env.createWx({ SDKVersion });
      for (const [name, version] of Object.entries(since)) {
        const expected = SDKVersion.localeCompare(version, undefined, { numeric: true }) >= 0;
        assert.equal(typeof wx[name as keyof typeof since] === 'function', expected, `${name} at ${SDKVersion}`);
        // `wx.canIUse` itself arrived in 1.1.0 and knows nothing before.
        assert.equal(wx.canIUse(name), expected && SDKVersion !== '1.0.0', `canIUse(${name}) at ${SDKVersion}`);
      }
    }
  });

  test("§8.2 getNetworkType: wifi by default, the phone's type after a change; a Promise without callbacks from 2.10.2", async () => {
    const wx = env.createWx();
    const phone = phoneOf(wx);
    const log = new Log();
    wx.getNetworkType({ ...callbacks(log) });
    const expected = {
      errMsg: 'getNetworkType:ok',
      networkType: 'wifi',
      signalStrength: 0,
      ...(env.atLeast('2.22.1') && { hasSystemProxy: false }),
      ...(env.atLeast('3.5.3') && { weakNet: false }),
    };
    assert.deepEqual(await log.waitFor('complete'), expected);
    assert.deepEqual(log.names(), ['success', 'complete']);
    phone.setNetworkType('4g');
    const promised = wx.getNetworkType();
    if (env.atLeast('2.10.2')) assert.deepEqual(await promised, { ...expected, networkType: '4g' });
    else assert.equal(promised, undefined);
    const bad = new Log();
    (wx.getNetworkType as (option: unknown) => void)(Object.assign([], callbacks(bad)));
    // §9.1: a parameter error of this API carries errno 1001 too, in the callbacks and in a rejected Promise.
    assert.deepEqual(await bad.waitFor('fail'), {
      errMsg: 'getNetworkType:fail parameter error: parameter should be Object instead of Array;',
      errno: 1001,
    });
    if (env.atLeast('2.10.2')) {
      await assert.rejects((wx.getNetworkType as (option: unknown) => Promise<unknown>)('wifi'), (error) => {
        assert.deepEqual(error, {
          errMsg: 'getNetworkType:fail parameter error: parameter should be Object instead of String;',
          errno: 1001,
        });
        return true;
      });
    }
  });

  test(
    '§8.2 onNetworkStatusChange: {isConnected, networkType} on each change of type or connectivity, additive lists',
    async () => {
      const wx = env.createWx();
      const phone = phoneOf(wx);
      const log = new Log();
      const other = (result: unknown): void => log.add('other', result);
      wx.onNetworkStatusChange((result) => log.add('status', result));
      wx.onNetworkStatusChange(other);
      phone.setNetworkType('wifi'); // no change: no event
      phone.setNetworkType('4g');
      phone.offline();
      phone.online();
      await log.waitFor('status', { count: 3 });
      await settle(3);
      assert.deepEqual(log.all('status'), [
        { isConnected: true, networkType: '4g' },
        { isConnected: false, networkType: 'none' },
        { isConnected: true, networkType: '4g' },
      ]);
      assert.deepEqual(log.all('other'), log.all('status'));
      if (!env.atLeast('2.9.3')) return;
      wx.offNetworkStatusChange(other);
      phone.setNetworkType('5g');
      await log.waitFor('status', { count: 4 });
      wx.offNetworkStatusChange();
      phone.setNetworkType('3g');
      await settle(5);
      assert.equal(log.all('status').length, 4);
      assert.equal(log.all('other').length, 3);
    },
    { skip: statusEvents },
  );

  test(
    '§8.3 going offline: onNetworkStatusChange first, then each socket gets onError "network is down" and onClose 1006',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        const log = new Log();
        if (env.atLeast('1.1.0')) wx.onNetworkStatusChange((result) => log.add('status', result));
        recordGlobal(wx, log);
        const { task } = await openTask(wx, server.url, log);
        const client = await server.nextConnection();
        phone.offline();
        assert.equal(task.readyState, 1, 'still OPEN until the events come (readyState never reads CLOSING)');
        void task.send({ data: 'x', ...callbacks(log, 'send ') });
        await log.waitFor('close');
        await log.waitFor('send complete');
        const expected = [
          ...(env.atLeast('1.1.0') ? ['status'] : []),
          'error',
          'onSocketError',
          'close',
          'onSocketClose',
        ];
        assert.deepEqual(
          log.names().filter((name) => !name.startsWith('send') && !name.endsWith('Open') && name !== 'open'),
          expected,
        );
        assert.deepEqual(log.only('send fail'), {
          errMsg:
            env.platform === 'ios'
              ? 'SocketTask.send:fail SocketTask.readyState is not OPEN'
              : 'sendSocketMessage:fail WebSocket is not connected',
        });
        assert.deepEqual(log.only('error'), { errMsg: 'network is down', ...errCode(1006) });
        assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
        await client.waitForClose(); // the connection is gone on the server's side too
      }),
    { skip: tasks },
  );

  test(
    '§8.3 going offline in the turn a socket was created: onNetworkStatusChange first, then onError "network is down", onClose 1006',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        const log = new Log();
        if (env.atLeast('1.1.0')) wx.onNetworkStatusChange((result) => log.add('status', result));
        const task = wx.connectSocket({ url: server.url }); // CONNECTING: a socket that is not CLOSED
        recordTask(task, log);
        phone.offline();
        await log.waitFor('close');
        assert.deepEqual(log.entries, [
          ...(env.atLeast('1.1.0') ? [['status', { isConnected: false, networkType: 'none' }]] : []),
          ['error', { errMsg: 'network is down', ...errCode(1004) }],
          ['close', { code: 1006, reason: 'abnormal closure' }],
        ]);
        assert.equal(await server.connectionCount(), 0);
      }),
    { skip: tasks },
  );

  test(
    '§8.3 connectSocket while offline: success, then the handshake failure of an unresolvable name and onClose 1006; no connection',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        phone.offline();
        const log = new Log();
        const task = wx.connectSocket({ url: server.url, ...callbacks(log) });
        recordTask(task, log);
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['success', 'complete', 'error', 'close']);
        assert.deepEqual(log.only('error'), {
          errMsg: openFailure(env, 1), // as a name that does not resolve (§9.2)
          ...errCode(1004),
        });
        assert.equal(await server.connectionCount(), 0);
        phone.online('wifi');
        await openAndClose(wx, server.url);
      }),
    { skip: tasks },
  );

  test(
    '§8.3 switching network type kills connections (onError "abnormal closure", onClose 1006); the new one works at once',
    () =>
      withPhone(env, {}, async ({ server, wx, phone }) => {
        const { log } = await openTask(wx, server.url);
        phone.setNetworkType('4g');
        const next = wx.connectSocket({ url: server.url }); // the new network is usable at once
        const nextLog = recordTask(next);
        await log.waitFor('close');
        assert.deepEqual(log.entries.slice(1), [
          ['error', { errMsg: 'abnormal closure', ...errCode(1006) }],
          ['close', { code: 1006, reason: 'abnormal closure' }],
        ]);
        await nextLog.waitFor('open');
        void next.send({ data: 'on 4g' });
        assert.deepEqual(await nextLog.waitFor('message'), { data: 'on 4g' });
        void next.close({});
        await nextLog.waitFor('close');
        assert.deepEqual(nextLog.names(), ['open', 'message', 'close']);
      }),
    { skip: tasks },
  );

  test('§8.3 below 1.7.0 too: the global socket fails offline and on a switch, and a connect while offline fails after success', () =>
    withPhone(env, {}, async ({ server, wx, phone }) => {
      const log = recordGlobal(wx);
      const connect = (): void => void wx.connectSocket({ url: server.url, ...callbacks(log, 'connect ') });
      connect();
      await log.waitFor('onSocketOpen');
      phone.offline();
      await log.waitFor('onSocketClose');
      connect(); // while offline
      await log.waitFor('onSocketClose', { count: 2 });
      phone.online();
      connect();
      await log.waitFor('onSocketOpen', { count: 2 });
      phone.setNetworkType('4g');
      await log.waitFor('onSocketClose', { count: 3 });
      const closed = { code: 1006, reason: 'abnormal closure' };
      assert.deepEqual(
        log.entries.filter(([name]) => name === 'onSocketError' || name === 'onSocketClose'),
        [
          ['onSocketError', { errMsg: 'network is down', ...errCode(1006) }],
          ['onSocketClose', closed],
          ['onSocketError', { errMsg: openFailure(env, 1), ...errCode(1004) }],
          ['onSocketClose', closed],
          ['onSocketError', { errMsg: 'abnormal closure', ...errCode(1006) }],
          ['onSocketClose', closed],
        ],
      );
      assert.equal(log.all('connect success').length, 3, 'every connect succeeds: the failures come in onSocketError');
      assert.equal(log.all('connect fail').length, 0);
    }));

  test(
    '§8.2 onNetworkWeakChange: {weakNet, networkType} when the weak state flips, not when only conditions change',
    async () => {
      const wx = env.createWx();
      const phone = phoneOf(wx);
      const log = new Log();
      wx.onNetworkWeakChange((result) => log.add('weak', result));
      phone.setNetworkType('4g');
      phone.weaken({ latency: 200 });
      phone.weaken({ latency: { up: 100, down: 300 }, bandwidth: 20_000 });
      assert.equal(phone.state.weakNet, true);
      assert.deepEqual(phone.state.link, {
        up: { latency: 100, jitter: 0, bandwidth: 20_000 },
        down: { latency: 300, jitter: 0, bandwidth: 20_000 },
      });
      const type = env.atLeast('3.5.3') ? await wx.getNetworkType() : undefined;
      phone.strengthen();
      phone.strengthen();
      await log.waitFor('weak', { count: 2 });
      await settle(3);
      assert.deepEqual(log.all('weak'), [
        { weakNet: true, networkType: '4g' },
        { weakNet: false, networkType: '4g' },
      ]);
      if (type) assert.equal((type as { weakNet: boolean }).weakNet, true);
      wx.offNetworkWeakChange();
      phone.weaken({ jitter: 10 });
      await settle(5);
      assert.equal(log.all('weak').length, 2);
    },
    { skip: weakEvents },
  );
};
