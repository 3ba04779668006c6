/** Contract §2: `SocketTask`: state, listeners, payloads, send and close rules, event order, profile differences. */
import assert from 'node:assert/strict';
import type { ConformanceEnv, ConformanceServer, ServerOptions, Suite } from './env.js';
import { Log, arrayBuffer, bytes, callbacks, recordTask, settle, openFailure } from './recorder.js';
import type { SocketTask, Wx } from '../../src/types.js';
import { withWx } from './phone-session.js';
import type { WxOptions } from '../../src/options.js';

/** Runs `body` with a server, a wx object and an open task; closes everything after. */
async function withOpenTask(
  env: ConformanceEnv,
  body: (context: { server: ConformanceServer; wx: Wx; task: SocketTask; log: Log }) => Promise<void>,
  { server: serverOptions = {}, wx: wxOptions = {} }: { server?: ServerOptions; wx?: WxOptions } = {},
): Promise<void> {
  await withWx(env, { server: serverOptions, wx: wxOptions }, async ({ server, wx }) => {
    const task = wx.connectSocket({ url: server.url });
    const log = recordTask(task);
    await log.waitFor('open');
    await body({ server, wx, task, log });
    if (task.readyState !== 3) {
      void task.close({});
      await log.waitFor('close');
    }
  });
}

/** Waits until `done()` holds, looking once per macrotask, for at most 5 s. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await settle(1);
  }
}

export const socketTaskSuite: Suite = (env, test) => {
  const skip = env.atLeast('1.7.0') ? false : 'below 1.7.0 there is no SocketTask';
  const ios = env.platform === 'ios';
  const notOpen = ios
    ? 'SocketTask.send:fail SocketTask.readyState is not OPEN'
    : 'sendSocketMessage:fail WebSocket is not connected';

  test(
    '§2 readyState goes CONNECTING → OPEN → CLOSED and the constants are present',
    async () => {
      await withOpenTask(env, async ({ task, log }) => {
        assert.deepEqual([task.CONNECTING, task.OPEN, task.CLOSING, task.CLOSED], [0, 1, 2, 3]);
        assert.equal(task.readyState, 1);
        void task.close({});
        assert.equal(task.readyState, 1, 'WeChat never shows CLOSING');
        await log.waitFor('close');
        assert.equal(task.readyState, 3);
      });
    },
    { skip },
  );

  test(
    '§2 onOpen gives the handshake response headers and a measured profile',
    async () => {
      await withOpenTask(
        env,
        async ({ log }) => {
          const result = log.only('open');
          if (env.atLeast('2.0.0') && env.capabilities.responseHeaders) {
            const names = Object.keys(result.header).map((name) => name.toLowerCase());
            assert.ok(names.includes('x-served-by'), `header names: ${names.join(', ')}`);
            const served = Object.entries(result.header).find(([name]) => name.toLowerCase() === 'x-served-by');
            assert.equal(served?.[1], 'conformance');
          } else if (!env.atLeast('2.0.0')) {
            assert.deepEqual(result.header, {}, 'no header before 2.0.0');
          }
          if (!env.atLeast('2.10.4')) return assert.equal('profile' in result, false, 'no profile before 2.10.4');
          const { profile } = result;
          const fields = [
            'fetchStart',
            'domainLookUpStart',
            'domainLookUpEnd',
            'connectStart',
            'connectEnd',
            'rtt',
            'handshakeCost',
            'cost',
          ];
          assert.deepEqual(Object.keys(profile).sort(), [...fields].sort());
          for (const field of fields) assert.equal(typeof profile[field], 'number', field);
          const now = Date.now();
          assert.ok(
            profile.fetchStart <= now && profile.fetchStart > now - 10_000,
            'fetchStart is a recent epoch time',
          );
          assert.ok(
            profile.fetchStart <= profile.domainLookUpStart && profile.domainLookUpStart <= profile.domainLookUpEnd,
          );
          assert.ok(profile.domainLookUpEnd <= profile.connectStart && profile.connectStart <= profile.connectEnd);
          assert.equal(profile.rtt, profile.connectEnd - profile.connectStart);
          assert.ok(profile.handshakeCost >= 0 && profile.cost >= profile.handshakeCost);
        },
        { server: { headers: { 'X-Served-By': 'conformance' } } },
      );
    },
    { skip },
  );

  test(
    '§2 listeners are additive, run in registration order, and a throwing one breaks nothing',
    async () => {
      const reported: unknown[] = [];
      await withOpenTask(
        env,
        async ({ server, task }) => {
          const order: string[] = [];
          task.onMessage(() => order.push('first'));
          task.onMessage(() => {
            throw new Error('listener bug');
          });
          task.onMessage(async () => {
            throw new Error('async listener bug');
          });
          task.onMessage(() => order.push('last'));
          task.onMessage('not a function' as never);
          void task.send({ data: 'ping' });
          const client = await server.nextConnection();
          await client.nextMessage();
          await settle();
          assert.deepEqual(order, ['first', 'last']);
          assert.equal(reported.length, 2);
          void task.send({ data: 'still works' });
          await client.nextMessage();
        },
        { wx: { reportError: (error) => reported.push(error) } },
      );
    },
    { skip },
  );

  test(
    '§2 a listener added while an event is dispatched gets the next event, not this one; one added twice runs twice',
    async () => {
      await withOpenTask(env, async ({ server, task }) => {
        const order: string[] = [];
        const twice = ({ data }: { data: unknown }) => order.push(`twice ${String(data)}`);
        // The task's only message listener adds a second while it runs, the second a third while both run.
        task.onMessage(({ data }) => {
          order.push(`first ${String(data)}`);
          if (data === 'one') task.onMessage(({ data: next }) => order.push(`second ${String(next)}`));
          if (data === 'two') {
            task.onMessage(twice);
            task.onMessage(twice);
          }
        });
        const client = await server.nextConnection();
        for (const data of ['one', 'two', 'three']) {
          void client.send(data);
          await eventually(async () => order.some((entry) => entry.endsWith(data)));
        }
        await settle();
        assert.deepEqual(order, [
          'first one',
          'first two',
          'second two',
          'first three',
          'second three',
          'twice three',
          'twice three',
        ]);
      });
    },
    { skip },
  );

  test(
    '§2 text arrives as a string and binary as an exact ArrayBuffer, in order',
    async () => {
      await withOpenTask(env, async ({ task, log }) => {
        const big = new Uint8Array(65536).map((_, i) => (i * 7) & 0xff);
        void task.send({ data: '你好 🌏' });
        void task.send({ data: arrayBuffer() });
        void task.send({ data: arrayBuffer(0, 1, 255) });
        void task.send({ data: big.buffer });
        for (let i = 0; i < 50; i++) void task.send({ data: `m${i}` });
        await log.waitFor('message', { count: 54 });
        const data = log.all('message').map((message) => (message as { data: unknown }).data);
        assert.equal(data[0], '你好 🌏');
        assert.ok(data[1] instanceof ArrayBuffer);
        assert.deepEqual(bytes(data[1]), []);
        assert.deepEqual(bytes(data[2]), [0, 1, 255]);
        assert.equal((data[3] as ArrayBuffer).byteLength, 65536);
        assert.deepEqual(new Uint8Array(data[3] as ArrayBuffer), big);
        assert.deepEqual(
          data.slice(4),
          Array.from({ length: 50 }, (_, i) => `m${i}`),
        );
      });
    },
    { skip },
  );

  test(
    '§2 send: anything but a string or an ArrayBuffer fails with unknown data, and the connection survives',
    async () => {
      await withOpenTask(env, async ({ server, task }) => {
        const client = await server.nextConnection();
        const bad = [new Uint8Array([1]), new DataView(new ArrayBuffer(1)), 42, null, undefined, {}, ['x'], true];
        for (const data of bad) {
          const log = new Log();
          void task.send({ data: data as never, ...callbacks(log) });
          await log.waitFor('complete');
          assert.deepEqual(log.names(), ['fail', 'complete']);
          assert.equal(log.only('fail').errMsg, 'sendSocketMessage:fail unknown data');
        }
        const log = new Log();
        void task.send({ data: arrayBuffer(1, 2, 3), ...callbacks(log) });
        assert.deepEqual(log.names(), [], 'success comes after the call returns');
        await log.waitFor('complete');
        assert.deepEqual(log.names(), ['success', 'complete']);
        assert.deepEqual(log.only('success'), { errMsg: 'sendSocketMessage:ok' });
        const received = await client.nextMessage();
        assert.equal(received.binary, true);
        assert.deepEqual(bytes(received.data), [1, 2, 3]);
      });
    },
    { skip },
  );

  test(
    '§2 send takes its data as it is at the call: bytes changed right after send() go out unchanged (permessage-deflate on)',
    async () => {
      // undici's "mutate after send" case: WHATWG send() and WeChat's bridge both copy the data at the call. With
      // compression a message waits for the one before it, so the client may read the bytes only later.
      const server = await env.startServer({ perMessageDeflate: true, echo: false });
      try {
        const task = env.createWx(server.wxOptions).connectSocket({ url: server.url, perMessageDeflate: true });
        const events = recordTask(task);
        await events.waitFor('open');
        const client = await server.nextConnection();
        const sent: number[][] = [];
        for (let i = 0; i < 4; i++) {
          const view = new Uint8Array(4096).map((_, j) => (i * 31 + j) % 251);
          sent.push([...view]);
          void task.send({ data: view.buffer });
          view.fill(2); // at once, in the same turn
        }
        for (const expected of sent) {
          const received = await client.nextMessage();
          assert.equal(received.binary, true);
          assert.deepEqual(bytes(received.data), expected);
        }
        void task.close({});
        await events.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    "§2 send on a task that is not OPEN fails with the profile's text",
    async () => {
      const server = await env.startServer();
      try {
        const wx = env.createWx(server.wxOptions);
        const task = wx.connectSocket({ url: server.url });
        const events = recordTask(task);
        const before = new Log();
        void task.send({ data: 'too early', ...callbacks(before) });
        await before.waitFor('complete');
        assert.equal(before.only('fail').errMsg, notOpen);
        await events.waitFor('open');
        void task.close({});
        await events.waitFor('close');
        const after = new Log();
        void task.send({ data: 'too late', ...callbacks(after) });
        await after.waitFor('complete');
        assert.equal(after.only('fail').errMsg, notOpen);
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§2 close: invalid codes and long reasons fail and the socket stays open',
    async () => {
      await withOpenTask(env, async ({ server, task }) => {
        const client = await server.nextConnection();
        for (const code of [999, 1001, 1005, 2999, 5000, 3000.5, Number.NaN]) {
          const log = new Log();
          void task.close({ code, ...callbacks(log) });
          await log.waitFor('complete');
          assert.equal(
            log.only('fail').errMsg,
            'closeSocket:fail The code must be either 1000, or between 3000 and 4999',
            `code ${code}`,
          );
        }
        const log = new Log();
        void task.close({ code: 4000, reason: '字'.repeat(41) + 'x', ...callbacks(log) }); // 124 bytes
        await log.waitFor('complete');
        assert.equal(log.only('fail').errMsg, 'closeSocket:fail reason is longer than 123 bytes');
        assert.equal(task.readyState, 1);
        void task.send({ data: 'alive' });
        assert.equal((await client.nextMessage()).data, 'alive');
      });
    },
    { skip },
  );

  test(
    '§2 close with a code and a 123-byte reason: the server sees them and onClose reports them',
    async () => {
      await withOpenTask(env, async ({ server, task, log }) => {
        const client = await server.nextConnection();
        const reason = '字'.repeat(41); // 123 bytes
        const calls = new Log();
        void task.close({ code: 4321, reason, ...callbacks(calls) });
        await calls.waitFor('complete');
        assert.deepEqual(calls.only('success'), { errMsg: 'closeSocket:ok' });
        assert.deepEqual(await client.waitForClose(), { code: 4321, reason });
        await log.waitFor('close');
        assert.deepEqual(log.only('close'), { code: 4321, reason });
        assert.deepEqual(log.names(), ['open', 'close']);
      });
    },
    { skip },
  );

  test(
    '§2 close with a code that is not a number closes with 1000',
    async () => {
      await withOpenTask(env, async ({ server, task, log }) => {
        const client = await server.nextConnection();
        void task.close({ code: '4000' as never, reason: 7 as never });
        assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
        await log.waitFor('close');
        assert.deepEqual(log.only('close'), { code: 1000, reason: '' });
      });
    },
    { skip: skip || (env.atLeast('1.4.0') ? false : 'close has no code below 1.4.0') },
  );

  test(
    '§2 close on a CLOSED task fails with WebSocket is not connected',
    async () => {
      await withOpenTask(env, async ({ task, log }) => {
        void task.close({});
        await log.waitFor('close');
        const calls = new Log();
        void task.close({ ...callbacks(calls) });
        await calls.waitFor('complete');
        assert.equal(calls.only('fail').errMsg, 'closeSocket:fail WebSocket is not connected');
        await settle();
        assert.equal(log.all('close').length, 1, 'onClose fired once');
      });
    },
    { skip },
  );

  test(
    '§2 close while CONNECTING: closeSocket:ok, then one onClose with the requested code, no onOpen or onError',
    async () => {
      const server = await env.startServer({ fault: { type: 'slow-upgrade-response', delay: 200 } });
      try {
        const wx = env.createWx(server.wxOptions);
        const task = wx.connectSocket({ url: server.url });
        const log = recordTask(task);
        // Closed while the handshake is in flight: the server has the upgrade request and answers it 200 ms later.
        await eventually(async () => (await server.handshakes()).length === 1);
        void task.close({ code: 4001, reason: 'never mind', ...callbacks(log, 'close:') });
        await log.waitFor('close');
        // A witness on the same server: its answer comes 200 ms after its request, so after the first one's. Had the
        // first handshake gone on, its onOpen would have come by the time the witness opens.
        const witnessTask = wx.connectSocket({ url: server.url });
        const witness = recordTask(witnessTask);
        await witness.waitFor('open');
        assert.deepEqual(log.names(), ['close:success', 'close:complete', 'close']);
        assert.deepEqual(log.only('close'), { code: 4001, reason: 'never mind' });
        assert.equal(task.readyState, 3);
        void witnessTask.close({});
        await witness.waitFor('close');
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§2 a close from the server gives onClose with its code and reason, and nothing else',
    async () => {
      await withOpenTask(env, async ({ server, task, log }) => {
        const client = await server.nextConnection();
        await client.close(4100, 'server says bye');
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['open', 'close']);
        assert.deepEqual(log.only('close'), { code: 4100, reason: 'server says bye' });
        assert.equal(task.readyState, 3);
      });
    },
    { skip },
  );

  test(
    '§2 §9.3 a TCP drop (FIN) without a close frame gives onClose 1006 "abnormal closure" (ios: 1001 "Stream end encountered")',
    async () => {
      await withOpenTask(env, async ({ server, log }) => {
        const client = await server.nextConnection();
        await client.inject({ type: 'drop' });
        await log.waitFor('close');
        assert.deepEqual(log.names(), env.capabilities.errorOnDrop ? ['open', 'error', 'close'] : ['open', 'close']);
        const streamEnd = ios && env.capabilities.tellsStreamEnd;
        const close = streamEnd
          ? { code: 1001, reason: 'Stream end encountered' }
          : { code: 1006, reason: 'abnormal closure' };
        assert.deepEqual(log.only('close'), close);
      });
    },
    { skip },
  );

  test(
    '§2 an HTTP status instead of 101: onError code:20 (errCode 1004 on android), then onClose 1006',
    async () => {
      const server = await env.startServer({ fault: { type: 'http-status', status: 403 } });
      try {
        const wx = env.createWx(server.wxOptions);
        const task = wx.connectSocket({ url: server.url });
        const log = new Log();
        task.onError((result) => log.add('error', { ...result, readyState: task.readyState }));
        task.onClose((result) => log.add('close', result));
        task.onOpen((result) => log.add('open', result));
        await log.waitFor('close');
        await settle();
        assert.deepEqual(log.names(), ['error', 'close']);
        // A native WebSocket cannot tell an HTTP status from a transport error: code:2 (docs/browser.md).
        const errMsg = openFailure(env, 20, env.capabilities.handshakeFailureDetail);
        const expected: Record<string, unknown> = { errMsg, readyState: 3 };
        if (!ios) expected['errCode'] = 1004;
        assert.deepEqual(log.only('error'), expected);
        assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§2 a refused connection: onError code:2, then onClose 1006',
    async () => {
      const server = await env.startServer({ fault: { type: 'refuse' } });
      try {
        const task = env.createWx(server.wxOptions).connectSocket({ url: server.url });
        const log = recordTask(task);
        await log.waitFor('close');
        assert.deepEqual(log.names(), ['error', 'close']);
        assert.equal(log.only('error').errMsg, openFailure(env, 2));
      } finally {
        await server.close();
      }
    },
    { skip },
  );

  test(
    '§2 ios: send and close without callbacks return Promises; android returns undefined',
    async () => {
      await withOpenTask(env, async ({ task, log }) => {
        const sent = task.send({ data: 'x' });
        const withKey = task.send({ data: 'y', success: undefined });
        assert.equal(withKey, undefined, 'a callback key, even undefined, means no Promise');
        if (!ios) {
          assert.equal(sent, undefined);
          return;
        }
        assert.ok(sent instanceof Promise);
        assert.deepEqual(await sent, { errMsg: 'sendSocketMessage:ok' });
        const closed = task.close({ code: 1000 });
        assert.deepEqual(await closed, { errMsg: 'closeSocket:ok' });
        await log.waitFor('close');
        await assert.rejects(task.send({ data: 'late' }) as Promise<unknown>, { errMsg: notOpen });
      });
    },
    { skip },
  );

  test(
    '§0.8 ios: a rejected Promise nobody handles is reported, not thrown at the process',
    async () => {
      const reported: [unknown, string][] = [];
      await withOpenTask(
        env,
        async ({ task, log }) => {
          void task.close({});
          await log.waitFor('close');
          void task.send({ data: 'nobody listens' }); // rejects; not awaited
          await settle(5);
          assert.equal(reported.length, 1);
          assert.deepEqual(reported[0]![0], { errMsg: notOpen });
        },
        { wx: { reportError: (error, where) => reported.push([error, where]) } },
      );
    },
    { skip: skip || (ios ? false : 'task Promises are ios only') },
  );

  test(
    '§9.1 parameter errors carry errno 1001 in callbacks and in promise rejections; no other failure has an errno',
    async () => {
      await withOpenTask(env, async ({ server, wx, task }) => {
        const failOf = async (call: (log: Log) => void): Promise<unknown> => {
          const log = new Log();
          call(log);
          await log.waitFor('complete');
          assert.deepEqual(log.only('complete'), log.only('fail'));
          return log.only('fail');
        };
        const parameterError = (errMsg: string) => ({ errMsg, errno: 1001 });
        assert.deepEqual(
          await failOf((log) => wx.connectSocket({ url: 1 as never, ...callbacks(log) })),
          parameterError('connectSocket:fail parameter error: parameter.url should be String instead of Number;'),
        );
        assert.deepEqual(
          await failOf((log) => wx.connectSocket(Object.assign([], callbacks(log)) as never)),
          parameterError('connectSocket:fail parameter error: parameter should be Object instead of Array;'),
        );
        assert.deepEqual(
          await failOf((log) => wx.connectSocket({ url: server.url, protocols: ['a b'], ...callbacks(log) })),
          parameterError('connectSocket:fail parameter error: protocols has an invalid subprotocol "a b"'),
        );
        const { send } = task;
        assert.deepEqual(
          await failOf((log) => send({ data: 'x', ...callbacks(log) })),
          parameterError(
            'sendSocketMessage:fail parameter error: SocketTask.send called on an object that is not a SocketTask',
          ),
        );
        // Not parameter errors: a bad scheme, bad data, a bad close code.
        assert.deepEqual(await failOf((log) => wx.connectSocket({ url: 'http://x', ...callbacks(log) })), {
          errMsg: 'connectSocket:fail invalid url "http://x"',
        });
        assert.deepEqual(await failOf((log) => task.send({ data: 1 as never, ...callbacks(log) })), {
          errMsg: 'sendSocketMessage:fail unknown data',
        });
        assert.deepEqual(await failOf((log) => task.close({ code: 1, ...callbacks(log) })), {
          errMsg: 'closeSocket:fail The code must be either 1000, or between 3000 and 4999',
        });
        // Promise rejections: send with options that are not an object (ios), the global API (2.10.2+).
        if (ios) {
          await assert.rejects(task.send('x' as never) as Promise<unknown>, (error) => {
            assert.deepEqual(
              error,
              parameterError('sendSocketMessage:fail parameter error: parameter should be Object instead of String;'),
            );
            return true;
          });
        }
        if (env.atLeast('2.10.2')) {
          await assert.rejects(wx.sendSocketMessage(7 as never) as Promise<unknown>, (error) => {
            assert.deepEqual(
              error,
              parameterError('sendSocketMessage:fail parameter error: parameter should be Object instead of Number;'),
            );
            return true;
          });
        }
      });
    },
    { skip },
  );

  test(
    '§0.3 a throwing callback of a task method called unbound goes to the reportError of the wx the method came from',
    async () => {
      const reported: [unknown, string][] = [];
      await withOpenTask(
        env,
        async ({ task }) => {
          const { send, close } = task;
          const thrown = new Error('callback threw');
          const log = new Log();
          const fail = (): never => {
            throw thrown;
          };
          void send({ data: 'x', fail, complete: () => log.add('complete', null) });
          void close.call(undefined as never, { fail, complete: () => log.add('complete', null) });
          await log.waitFor('complete', { count: 2 });
          assert.deepEqual(reported, [
            [thrown, 'sendSocketMessage fail callback'],
            [thrown, 'closeSocket fail callback'],
          ]);
        },
        { wx: { reportError: (error, where) => reported.push([error, where]) } },
      );
    },
    { skip },
  );

  test(
    '§0.5 task methods called unbound fail instead of throwing',
    async () => {
      await withOpenTask(env, async ({ task }) => {
        const { send, close } = task;
        const log = new Log();
        assert.doesNotThrow(() => send({ data: 'x', ...callbacks(log) }));
        await log.waitFor('complete');
        assert.match(log.only('fail').errMsg, /^sendSocketMessage:fail parameter error: SocketTask\.send called on/);
        assert.doesNotThrow(() => close.call({} as never, {}));
        assert.doesNotThrow(() => task.onOpen.call(null as never, () => {}));
      });
    },
    { skip },
  );
};
