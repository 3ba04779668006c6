/**
 * Contract §3 and §4: the global socket API (`wx.onSocket*`, `wx.sendSocketMessage`, `wx.closeSocket`), old and new.
 */
import assert from 'node:assert/strict';
import type { Suite } from './env.js';
import { withWx } from './phone-session.js';
import { Log, callbacks, recordGlobal, recordTask, settle } from './recorder.js';

export const globalApiSuite: Suite = (env, test) => {
  const promises = env.atLeast('2.10.2');
  const noSocketTask = env.atLeast('1.7.0') ? false : 'no SocketTask below 1.7.0';

  test("§3 the 1.x documentation's sample: messages queued before open are sent from onSocketOpen, in order", async () => {
    await withWx(env, {}, async ({ server, wx }) => {
      // The 1.x documentation's code, as written there (with the URL of the test server).
      let socketOpen = false;
      let socketMsgQueue: string[] = [];
      wx.connectSocket({ url: server.url });
      const log = recordGlobal(wx);
      wx.onSocketOpen(function (res) {
        log.add('onSocketOpen', res);
        socketOpen = true;
        for (let i = 0; i < socketMsgQueue.length; i++) sendSocketMessage(socketMsgQueue[i]!);
        socketMsgQueue = [];
      });
      function sendSocketMessage(msg: string): void {
        if (socketOpen) void wx.sendSocketMessage({ data: msg });
        else socketMsgQueue.push(msg);
      }
      sendSocketMessage('one');
      sendSocketMessage('two');
      const client = await server.nextConnection();
      assert.equal((await client.nextMessage()).data, 'one');
      assert.equal((await client.nextMessage()).data, 'two');
      await log.waitFor('onSocketMessage', { count: 2 });
      assert.deepEqual(log.all('onSocketMessage'), [{ data: 'one' }, { data: 'two' }]);
      const open = log.only('onSocketOpen');
      assert.equal('profile' in open, false, 'onSocketOpen gets no profile');
      if (env.atLeast('2.0.0')) assert.equal(typeof open.header, 'object');
      else assert.deepEqual(open, {}, 'before 2.0.0 onSocketOpen gets {}');
      void wx.closeSocket({ code: env.atLeast('1.4.0') ? 4000 : 1000, reason: 'done' });
      const close = await log.waitFor('onSocketClose');
      assert.deepEqual(close, env.atLeast('1.4.0') ? { code: 4000, reason: 'done' } : { code: 1000, reason: '' });
    });
  });

  test('§3 each wx.onSocket* holds one listener: a later call replaces it, a non-function is ignored', async () => {
    await withWx(env, {}, async ({ server, wx }) => {
      const log = new Log();
      wx.connectSocket({ url: server.url });
      wx.onSocketOpen(() => log.add('replaced', null));
      wx.onSocketOpen(() => log.add('open', null));
      wx.onSocketOpen('not a function' as never);
      wx.onSocketClose(() => log.add('close', null));
      await log.waitFor('open');
      void wx.closeSocket({});
      await log.waitFor('close');
      assert.deepEqual(log.names(), ['open', 'close']);
    });
  });

  test('§3 sendSocketMessage and closeSocket before open fail with WebSocket is not connected; the socket still opens', async () => {
    await withWx(env, {}, async ({ server, wx }) => {
      const log = recordGlobal(wx);
      for (const call of ['send', 'close'] as const) {
        const calls = new Log();
        if (call === 'send') wx.sendSocketMessage({ data: 'x', ...callbacks(calls) });
        else wx.closeSocket({ ...callbacks(calls) });
        await calls.waitFor('complete');
        const api = call === 'send' ? 'sendSocketMessage' : 'closeSocket';
        assert.equal(calls.only('fail').errMsg, `${api}:fail WebSocket is not connected`, `${api} with no socket`);
      }
      wx.connectSocket({ url: server.url });
      const early = new Log();
      // The 1.x documentation's timing caveat: closing before onSocketOpen does not close the socket.
      wx.closeSocket({ ...callbacks(early) });
      await early.waitFor('complete');
      assert.equal(early.only('fail').errMsg, 'closeSocket:fail WebSocket is not connected');
      await log.waitFor('onSocketOpen');
      void wx.closeSocket({});
      await log.waitFor('onSocketClose');
    });
  });

  test('§3 the global API returns a Promise without callbacks from 2.10.2 on, and works unbound', async () => {
    await withWx(env, {}, async ({ server, wx }) => {
      const { connectSocket, sendSocketMessage, closeSocket, onSocketOpen, onSocketClose } = wx;
      const log = new Log();
      onSocketOpen(() => log.add('open', null));
      onSocketClose((result) => log.add('close', result));
      const early = closeSocket();
      connectSocket({ url: server.url });
      await log.waitFor('open');
      const sent = sendSocketMessage({ data: 'hi' });
      assert.equal(sendSocketMessage({ data: 'hi', fail: undefined }), undefined, 'a callback key means no Promise');
      if (promises) {
        await assert.rejects(early as unknown as Promise<unknown>, {
          errMsg: 'closeSocket:fail WebSocket is not connected',
        });
        assert.deepEqual(await sent, { errMsg: 'sendSocketMessage:ok' });
        assert.deepEqual(await closeSocket(), { errMsg: 'closeSocket:ok' });
      } else {
        assert.equal(early, undefined);
        assert.equal(sent, undefined);
        assert.equal(closeSocket(), undefined);
      }
      assert.deepEqual(await log.waitFor('close'), { code: 1000, reason: '' });
    });
  });

  test(
    '§0.8 a rejected global Promise nobody handles is reported, and the process goes on',
    async () => {
      const reported: unknown[] = [];
      const wx = env.createWx({ reportError: (error) => reported.push(error) });
      void wx.closeSocket(); // no socket: rejects, and nobody awaits it
      void wx.sendSocketMessage({ data: 'x' });
      await settle(5);
      assert.deepEqual(reported, [
        { errMsg: 'closeSocket:fail WebSocket is not connected' },
        { errMsg: 'sendSocketMessage:fail WebSocket is not connected' },
      ]);
    },
    { skip: promises ? false : 'no Promise before 2.10.2' },
  );

  test(
    '§3 a wx.onSocket* listener set while an event is dispatched waits for the next event; the one in place gets this one',
    async () => {
      await withWx(env, {}, async ({ server, wx }) => {
        const log = new Log();
        const task = wx.connectSocket({ url: server.url });
        wx.onSocketMessage((result) => log.add('in place', result));
        task.onOpen(() => {
          wx.onSocketOpen(() => log.add('onSocketOpen set during open', null));
          void task.send({ data: 'one' });
        });
        task.onMessage((result) => {
          log.add('task', result);
          // Replaces the global listener in the middle of this message's dispatch.
          wx.onSocketMessage((next) => log.add('set during message', next));
          if (result.data === 'one') void task.send({ data: 'two' });
        });
        await log.waitFor('set during message');
        assert.deepEqual(log.entries, [
          ['task', { data: 'one' }],
          ['in place', { data: 'one' }],
          ['task', { data: 'two' }],
          ['set during message', { data: 'two' }],
        ]);
        void task.close({});
        await new Promise<void>((resolve) => task.onClose(() => resolve()));
      });
    },
    { skip: noSocketTask },
  );

  test(
    '§3 onSocketClose sees the close of the current socket even when a task onClose listener connects anew',
    async () => {
      await withWx(env, {}, async ({ server, wx }) => {
        const log = recordGlobal(wx);
        const first = wx.connectSocket({ url: server.url });
        let second: ReturnType<typeof wx.connectSocket> | undefined;
        // Reconnecting from onClose, as MQTT clients do: the new socket becomes current at once (the old one is
        // CLOSED), but the close being dispatched is still the old socket's.
        first.onClose(() => (second = wx.connectSocket({ url: server.url })));
        await log.waitFor('onSocketOpen');
        void first.close({ code: 4000, reason: 'again' });
        assert.deepEqual(await log.waitFor('onSocketClose'), { code: 4000, reason: 'again' });
        await log.waitFor('onSocketOpen', { count: 2 });
        void second!.close({});
        await log.waitFor('onSocketClose', { count: 2 });
      });
    },
    { skip: noSocketTask },
  );

  test(
    '§3 only the current socket reaches the global listeners; a new one becomes current once it is CLOSED',
    async () => {
      await withWx(env, {}, async ({ server, wx }) => {
        const log = recordGlobal(wx);
        const first = wx.connectSocket({ url: server.url });
        const second = wx.connectSocket({ url: server.url });
        const firstLog = recordTask(first);
        const secondLog = recordTask(second);
        await firstLog.waitFor('open');
        await secondLog.waitFor('open');
        void second.send({ data: 'from the second' });
        void first.send({ data: 'from the first' });
        await secondLog.waitFor('message');
        await firstLog.waitFor('message');
        assert.deepEqual(log.all('onSocketMessage'), [{ data: 'from the first' }]);
        assert.equal(log.all('onSocketOpen').length, 1);

        // wx.closeSocket closes the current socket and every other one of this wx, with 1000 [lib].
        void wx.closeSocket({ code: 4000, reason: 'all' });
        assert.deepEqual(await firstLog.waitFor('close'), { code: 4000, reason: 'all' });
        assert.deepEqual(await secondLog.waitFor('close'), { code: 1000, reason: '' });
        assert.deepEqual(log.all('onSocketClose'), [{ code: 4000, reason: 'all' }]);

        const third = wx.connectSocket({ url: server.url });
        await log.waitFor('onSocketOpen', { count: 2 });
        void wx.sendSocketMessage({ data: 'to the third' });
        assert.deepEqual(await log.waitFor('onSocketMessage', { count: 2 }), { data: 'to the third' });
        void third.close({});
        await log.waitFor('onSocketClose', { count: 2 });
      });
    },
    { skip: env.atLeast('1.7.0') ? false : 'one socket at a time below 1.7.0' },
  );

  test(
    '§4 below 1.7.0: connectSocket returns undefined and a second one closes the first (1000) and opens anew',
    async () => {
      await withWx(env, {}, async ({ server, wx }) => {
        const log = recordGlobal(wx);
        assert.equal(wx.connectSocket({ url: `${server.url}/first` }), undefined);
        await log.waitFor('onSocketOpen');
        const firstClient = await server.nextConnection();
        const calls = new Log();
        assert.equal(wx.connectSocket({ url: `${server.url}/second`, ...callbacks(calls) }), undefined);
        await calls.waitFor('complete');
        assert.deepEqual(calls.only('success'), { errMsg: 'connectSocket:ok' });
        assert.deepEqual(await log.waitFor('onSocketClose'), { code: 1000, reason: '' });
        assert.equal((await firstClient.waitForClose()).code, 1000);
        await log.waitFor('onSocketOpen', { count: 2 });
        void wx.sendSocketMessage({ data: 'to the second' });
        const secondClient = await server.nextConnection();
        assert.equal((await secondClient.nextMessage()).data, 'to the second');
        void wx.closeSocket({});
        await log.waitFor('onSocketClose', { count: 2 });
        assert.deepEqual(
          log.names().filter((name) => name !== 'onSocketMessage'),
          ['onSocketOpen', 'onSocketClose', 'onSocketOpen', 'onSocketClose'],
        );
      });
    },
    { skip: env.atLeast('1.7.0') ? 'SocketTask era' : false },
  );

  test('§4 wx.canIUse answers the socket schemas by the emulated version', async () => {
    const wx = env.createWx();
    const expectations: [string, boolean][] = [
      ['connectSocket', true],
      ['wx.connectSocket', true],
      ['sendSocketMessage', true],
      ['closeSocket.object.code', env.atLeast('1.4.0')],
      ['connectSocket.object.protocols', env.atLeast('1.4.0')],
      ['SocketTask', env.atLeast('1.7.0')],
      ['SocketTask.onOpen', env.atLeast('1.7.0')],
      ['connectSocket.return', env.atLeast('1.7.0')],
      ['onSocketOpen.callback.header', env.atLeast('2.0.0')],
      ['connectSocket.object.tcpNoDelay', env.atLeast('2.4.0')],
      ['connectSocket.object.perMessageDeflate', env.atLeast('2.8.0')],
      ['connectSocket.object.timeout', env.atLeast('2.10.0')],
      ['SocketTask.onOpen.callback.profile', env.atLeast('2.10.4')],
      ['connectSocket.object.forceCellularNetwork', env.atLeast('2.29.0')],
      ['request', false],
      ['connectSocket.object.nope', false],
      ['__proto__', false],
      ['toString', false],
    ];
    for (const [schema, expected] of expectations) assert.equal(wx.canIUse(schema), expected, schema);
    assert.equal(wx.canIUse(42 as never), false);
  });
};
