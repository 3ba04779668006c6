/** Contract §5 (legal domains) and §6 (the connection limit), as a client sees them. */
import assert from 'node:assert/strict';
import type { Suite } from './env.js';
import { Log, callbacks, recordGlobal, recordTask, settle } from './recorder.js';

export const limitsSuite: Suite = (env, test) => {
  const skip = env.atLeast('1.7.0') ? false : 'below 1.7.0 there is no SocketTask';
  const hostname = 'chat.wxsocket.test';

  test(
    '§5 a URL outside the domain list: success, then onError alone, CLOSED, and no network connection',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx({ ...server.wxOptions, domains: ['chat.example.com'] });
        const log = new Log();
        const urls = [
          server.url,
          'wss://chat.example.com.evil.test',
          'wss://chat.example.com@127.0.0.1',
          'ws://chat.example.com',
        ];
        for (const [index, url] of urls.entries()) {
          const task = wx.connectSocket({ url, ...callbacks(log, `${index}:`) });
          recordTask(task, log);
          assert.equal(task.readyState, 3);
        }
        await log.waitFor('error', { count: urls.length });
        await settle(5);
        const errMsg =
          env.platform === 'ios' ? 'createSocketTask:fail url not in domain list' : 'fail:url not in domain list';
        const error = env.platform === 'ios' ? { errMsg } : { errMsg, errCode: 1004 };
        assert.deepEqual(
          log.all('error'),
          urls.map(() => error),
        );
        assert.deepEqual(log.all('close'), [], 'no onClose: the task never touched the network');
        assert.equal(log.names().indexOf('0:success') < log.names().indexOf('error'), true, 'success comes first');
        assert.equal(await server.connectionCount(), 0);
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§5 a listed wss domain connects, whatever the case of its host',
    async () => {
      const server = await env.startServer({ secure: true, hostname });
      try {
        const wx = env.createWx({ ...server.wxOptions, domains: [`wss://${hostname}`] });
        const url = server.url.replace(hostname, hostname.toUpperCase());
        const task = wx.connectSocket({ url });
        const log = recordTask(task);
        await log.waitFor('open');
        void task.close({});
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['open', 'close']);
      } finally {
        await server.close();
      }
    },
    { skip: skip || (env.capabilities.tls ? false : 'needs host names mapped to 127.0.0.1') },
  );

  test(
    '§5 with urlCheck: false any ws or wss URL is allowed',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx({ ...server.wxOptions, domains: ['chat.example.com'], urlCheck: false });
        const task = wx.connectSocket({ url: server.url });
        const log = recordTask(task);
        await log.waitFor('open');
        void task.close({});
        await log.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§6 over maxConnections: a CLOSED task and fail "fail reach max websocket connect count"',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx({ ...server.wxOptions, maxConnections: 2 });
        const first = wx.connectSocket({ url: server.url });
        const firstLog = recordTask(first);
        const second = wx.connectSocket({ url: server.url });
        const log = new Log();
        const third = wx.connectSocket({ url: server.url, ...callbacks(log) });
        assert.equal(third.readyState, 3);
        recordTask(third, log);
        await log.waitFor('complete');
        await settle();
        assert.deepEqual(log.names(), ['fail', 'complete']);
        assert.equal(log.only('fail').errMsg, 'connectSocket:fail fail reach max websocket connect count 2');

        // The slot frees on the terminal event, so a reconnect from inside onClose works.
        const reconnected = new Log();
        first.onClose(() => {
          const next = wx.connectSocket({ url: server.url, ...callbacks(reconnected) });
          recordTask(next, reconnected);
        });
        await firstLog.waitFor('open');
        void first.close({});
        await reconnected.waitFor('open');
        assert.equal(reconnected.only('success').errMsg, 'connectSocket:ok');
        void wx.closeSocket({});
        await settle(5);
        void second;
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§6 the default limit is 5 sockets not yet CLOSED',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const tasks = Array.from({ length: 5 }, () => wx.connectSocket({ url: server.url }));
        const log = new Log();
        wx.connectSocket({ url: server.url, ...callbacks(log) });
        await log.waitFor('complete');
        assert.equal(log.only('fail').errMsg, 'connectSocket:fail fail reach max websocket connect count 5');
        const closes = tasks.map((task) => recordTask(task));
        for (const task of tasks) void task.close({});
        for (const closed of closes) await closed.waitFor('close');
        const again = new Log();
        const task = wx.connectSocket({ url: server.url, ...callbacks(again) });
        await again.waitFor('complete');
        assert.equal(again.only('success').errMsg, 'connectSocket:ok');
        void task.close({});
        await settle(3);
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§6 below 1.7.0 the limit is one socket, replaced by each connectSocket',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const log = recordGlobal(wx);
        for (let i = 0; i < 3; i++) {
          const calls = new Log();
          wx.connectSocket({ url: server.url, ...callbacks(calls) });
          await calls.waitFor('complete');
          assert.equal(calls.only('success').errMsg, 'connectSocket:ok');
        }
        await log.waitFor('onSocketOpen');
        void wx.closeSocket({});
        await log.waitFor('onSocketClose', { count: 3 });
      } finally {
        await server.close();
      }
    },
    { skip: env.atLeast('1.7.0') ? 'SocketTask era' : false },
  );
};
