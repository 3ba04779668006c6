/** Contract §1: `wx.connectSocket`: validation order and texts, the returned task, headers, protocols, timeout. */
import assert from 'node:assert/strict';
import type { Suite } from './env.js';
import { Log, callbacks, recordTask, settle, openFailure } from './recorder.js';

export const connectSocketSuite: Suite = (env, test) => {
  const taskSkip = env.atLeast('1.7.0') ? false : 'below 1.7.0 connectSocket returns no SocketTask';

  test('§1 options that are not an object fail with a parameter error and return undefined', async () => {
    const wx = env.createWx();
    for (const value of [undefined, null, 1, 'wss://a', true]) {
      assert.equal(wx.connectSocket(value as never), undefined);
    }
    const log = new Log();
    const array = Object.assign([], callbacks(log));
    assert.equal(wx.connectSocket(array as never), undefined);
    assert.deepEqual(log.names(), [], 'callbacks run after the call returns');
    await log.waitFor('complete');
    assert.deepEqual(log.names(), ['fail', 'complete']);
    assert.equal(
      log.only('fail').errMsg,
      'connectSocket:fail parameter error: parameter should be Object instead of Array;',
    );
    assert.equal(log.only('fail'), log.only('complete'), 'fail and complete get the same object');
  });

  test('§1 a url that is not a string fails naming its type, and returns undefined', async () => {
    const wx = env.createWx();
    const cases: [unknown, string][] = [
      [undefined, 'Undefined'],
      [null, 'Null'],
      [42, 'Number'],
      [{}, 'Object'],
      [[], 'Array'],
      [false, 'Boolean'],
    ];
    for (const [url, type] of cases) {
      const log = new Log();
      assert.equal(wx.connectSocket({ url, ...callbacks(log) } as never), undefined);
      await log.waitFor('complete');
      assert.deepEqual(log.names(), ['fail', 'complete']);
      assert.equal(
        log.only('fail').errMsg,
        `connectSocket:fail parameter error: parameter.url should be String instead of ${type};`,
      );
    }
  });

  test('§1 a url that is not ws:// or wss:// fails with invalid url and returns undefined', async () => {
    const wx = env.createWx();
    for (const url of ['http://example.com', 'example.com', '', ' wss://example.com', 'wss:/example.com']) {
      const log = new Log();
      assert.equal(wx.connectSocket({ url, ...callbacks(log) }), undefined);
      await log.waitFor('complete');
      assert.equal(log.only('fail').errMsg, `connectSocket:fail invalid url "${url}"`);
    }
  });

  test('§1 success means "task created": the task is CONNECTING and success comes after the call returns', async () => {
    const server = await env.startServer();
    try {
      const wx = env.createWx(server.wxOptions);
      const log = new Log();
      const task = wx.connectSocket({ url: server.url, ...callbacks(log) });
      assert.deepEqual(log.names(), []);
      if (!env.atLeast('1.7.0')) {
        assert.equal(task, undefined);
        await log.waitFor('complete');
        return void wx.closeSocket({});
      }
      assert.equal(task.readyState, 0);
      const events = recordTask(task, log);
      await log.waitFor('complete');
      const success = log.only('success');
      if (env.platform === 'ios') {
        assert.equal(typeof success.socketTaskId, 'number');
        assert.deepEqual(Object.keys(success).sort(), ['errMsg', 'socketTaskId']);
      } else {
        assert.deepEqual(success, { errMsg: 'connectSocket:ok' });
      }
      await events.waitFor('open');
      assert.deepEqual(
        log.names().slice(0, 3),
        ['success', 'complete', 'open'],
        'success does not wait for the connection',
      );
      void task.close({});
      await events.waitFor('close');
    } finally {
      await server.close();
    }
  });

  test(
    '§1 ios numbers its tasks with increasing socketTaskId',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const log = new Log();
        const tasks = [1, 2, 3].map((n) => wx.connectSocket({ url: server.url, ...callbacks(log, `${n}:`) }));
        await log.waitFor('3:complete');
        const ids = [1, 2, 3].map((n) => (log.only(`${n}:success`) as { socketTaskId: number }).socketTaskId);
        assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, `increasing: ${ids.join(', ')}`);
        for (const task of tasks) void task.close({});
        await settle();
      } finally {
        await server.close();
      }
    },
    { skip: env.platform !== 'ios' ? 'socketTaskId is ios only' : taskSkip },
  );

  test(
    '§1 the connection is attempted after the current turn: listeners attached later still see open',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const task = wx.connectSocket({ url: server.url });
        await Promise.resolve(); // a microtask later: still before the attempt
        const log = recordTask(task);
        await log.waitFor('open');
        void task.close({});
        await log.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip: taskSkip },
  );

  test(
    "§1 header: values are converted, Referer and User-Agent are WeChat's, handshake headers are dropped",
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx({ ...server.wxOptions, appId: 'wx0123456789abcdef', appVersion: '7' });
        const header = JSON.parse('{"__proto__": "kept as a name"}') as Record<string, unknown>;
        Object.assign(header, {
          'X-Text': 'a b',
          'X-Number': 42,
          'X-Bool': true,
          'X-Null': null,
          'X-Object': {},
          Referer: 'https://evil.example',
          'User-Agent': 'mine',
          Host: 'evil.example',
          Connection: 'close',
          Upgrade: 'h2c',
          'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAAAA==',
          'Content-Length': '5',
        });
        wx.connectSocket({ url: server.url, header });
        await server.nextConnection();
        const [handshake] = await server.handshakes();
        const headers = handshake!.headers;
        assert.equal(headers['x-text'], 'a b');
        assert.equal(headers['x-number'], '42');
        assert.equal(headers['x-bool'], '[object Boolean]');
        assert.equal(headers['x-null'], '[object Null]');
        assert.equal(headers['x-object'], '[object Object]');
        assert.equal(headers['__proto__'], 'kept as a name');
        assert.equal(headers['referer'], 'https://servicewechat.com/wx0123456789abcdef/7/page-frame.html');
        assert.match(headers['user-agent'] ?? '', /MicroMessenger/);
        assert.equal(headers['connection'], 'Upgrade');
        assert.equal(headers['upgrade'], 'websocket');
        assert.notEqual(headers['host'], 'evil.example');
        assert.notEqual(headers['sec-websocket-key'], 'AAAAAAAAAAAAAAAAAAAAAA==');
        assert.equal(headers['content-length'], undefined);
        assert.equal(({} as Record<string, unknown>)['kept as a name'], undefined, 'no prototype pollution');
        void wx.closeSocket({});
      } finally {
        await server.close();
      }
    },
    { skip: env.capabilities.requestHeaders ? false : 'this transport cannot send request headers' },
  );

  test('§1 a header name or value with characters HTTP forbids fails the call and opens nothing', async () => {
    const server = await env.startServer();
    try {
      const wx = env.createWx(server.wxOptions);
      const cases: [Record<string, unknown>, string][] = [
        [{ 'X-Bad': 'a\r\nInjected: yes' }, 'header "X-Bad" has an invalid value'],
        [{ 'X-Nul': 'a\u0000b' }, 'header "X-Nul" has an invalid value'],
        [{ 'X-Wide': '中文' }, 'header "X-Wide" has an invalid value'],
        [{ 'Bad Name': 'x' }, 'header "Bad Name" has an invalid name'],
        [{ 'X-Line\n': 'x' }, 'header "X-Line\\n" has an invalid name'],
        [{ '': 'x' }, 'header "" has an invalid name'],
      ];
      for (const [header, detail] of cases) {
        const log = new Log();
        assert.equal(wx.connectSocket({ url: server.url, header, ...callbacks(log) }), undefined);
        await log.waitFor('complete');
        assert.equal(log.only('fail').errMsg, `connectSocket:fail parameter error: ${detail}`);
      }
      await settle();
      assert.equal(await server.connectionCount(), 0);
    } finally {
      await server.close();
    }
  });

  test('§1 protocols: an array or a comma string is requested, anything else is ignored', async () => {
    const server = await env.startServer({ protocol: 'first' });
    try {
      const wx = env.createWx(server.wxOptions);
      const cases: [unknown, string[]][] = [
        [
          ['mqtt', 'mqttv3.1'],
          ['mqtt', 'mqttv3.1'],
        ],
        ['mqtt', ['mqtt']],
        [' a, b ,c', ['a', 'b', 'c']],
        [42, []],
        [{ 0: 'x' }, []],
      ];
      for (const [protocols, expected] of cases) {
        const task = wx.connectSocket({ url: server.url, protocols: protocols as never });
        const log = task ? recordTask(task) : undefined;
        await server.nextConnection();
        const handshakes = await server.handshakes();
        const requested = env.atLeast('1.4.0') ? expected : [];
        assert.deepEqual(handshakes.at(-1)!.protocols, requested, `protocols ${JSON.stringify(protocols)}`);
        if (log) {
          await log.waitFor('open');
          void task.close({});
          await log.waitFor('close');
        } else {
          void wx.closeSocket({});
          await settle();
        }
      }
    } finally {
      await server.close();
    }
  });

  test(
    '§1 an invalid or duplicated subprotocol fails the call',
    async () => {
      const wx = env.createWx();
      const cases: [unknown, string][] = [
        [['ok', 'not ok'], 'protocols has an invalid subprotocol "not ok"'],
        [['a', 'a'], 'protocols has a duplicate subprotocol "a"'],
        ['a,a', 'protocols has a duplicate subprotocol "a"'],
        [['a', 7], 'protocols[1] should be String instead of Number;'],
      ];
      for (const [protocols, detail] of cases) {
        const log = new Log();
        assert.equal(
          wx.connectSocket({ url: 'ws://127.0.0.1:9', protocols: protocols as never, ...callbacks(log) }),
          undefined,
        );
        await log.waitFor('complete');
        assert.equal(log.only('fail').errMsg, `connectSocket:fail parameter error: ${detail}`);
      }
    },
    { skip: env.atLeast('1.4.0') ? false : 'protocols is ignored below 1.4.0' },
  );

  test(
    '§1 requested subprotocols the server does not select fail the handshake: onError code:20, then onClose 1006',
    async () => {
      const server = await env.startServer({ protocol: 'none' });
      try {
        const wx = env.createWx(server.wxOptions);
        const task = wx.connectSocket({ url: server.url, protocols: ['chat'] });
        const log = recordTask(task);
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['error', 'close']);
        // A native WebSocket cannot tell a bad upgrade from a transport error: code:2 (docs/browser.md).
        const expected = openFailure(env, 20, env.capabilities.handshakeFailureDetail);
        assert.equal(log.only('error').errMsg, expected);
        assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
      } finally {
        await server.close();
      }
    },
    { skip: env.atLeast('1.7.0') ? false : taskSkip },
  );

  test(
    '§1 timeout: the per-call timeout bounds the handshake (code:9), else networkTimeout.connectSocket',
    async () => {
      const server = await env.startServer({ fault: { type: 'no-upgrade-response' } });
      try {
        const wx = env.createWx({ ...server.wxOptions, networkTimeout: { connectSocket: 150 } });
        const started = Date.now();
        const task = wx.connectSocket({ url: server.url, timeout: env.atLeast('2.10.0') ? 50 : 10_000 });
        const log = recordTask(task);
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['error', 'close']);
        assert.equal(log.only('error').errMsg, openFailure(env, 9));
        if (env.platform === 'android') assert.equal(log.only('error').errCode, 1004);
        else assert.equal('errCode' in log.only('error'), false);
        assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
        // Below 2.10.0 the per-call timeout does not exist, so app.json's 150 ms applies, not 10 s.
        assert.ok(Date.now() - started < 5000);
      } finally {
        await server.close();
      }
    },
    { skip: taskSkip },
  );

  test(
    '§1 unknown options and options of the wrong type never fail the call',
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const log = new Log();
        const task = wx.connectSocket({
          url: server.url,
          method: 'GET',
          data: { x: '' },
          perMessageDeflate: { threshold: 1024 },
          tcpNoDelay: 'yes',
          timeout: 'soon',
          forceCellularNetwork: 1,
          agent: false,
          rejectUnauthorized: false,
          ...callbacks(log),
        } as never);
        await log.waitFor('complete');
        assert.equal(log.only('success').errMsg, 'connectSocket:ok');
        const events = recordTask(task);
        await events.waitFor('open');
        void task.close({});
        await events.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip: taskSkip },
  );

  test(
    '§1 §9.2 TLS is verified: an untrusted certificate fails (code:8, or code:2 before the binding texts) even with rejectUnauthorized: false',
    async () => {
      const server = await env.startServer({ secure: true });
      try {
        const { tls, ...withoutTrust } = server.wxOptions;
        const wx = env.createWx(withoutTrust);
        const task = wx.connectSocket({ url: server.url, rejectUnauthorized: false } as never);
        const log = recordTask(task);
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['error', 'close']);
        assert.equal(log.only('error').errMsg, openFailure(env, 8, env.capabilities.handshakeFailureDetail));

        const trusted = env.createWx(server.wxOptions).connectSocket({ url: server.url });
        const ok = recordTask(trusted);
        await ok.waitFor('open');
        void trusted.close({});
        await ok.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip: !env.capabilities.tls ? 'this transport cannot trust a test CA' : taskSkip },
  );
};
