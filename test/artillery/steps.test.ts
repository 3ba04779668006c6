// The engine's steps, each against a real server on 127.0.0.1: what they do on the wire, the metrics they report,
// and that every virtual user ends once, with every socket closed, whichever way it ends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metric } from '../../src/artillery/index.js';
import { echo, type TestClient } from '../../src/testing/index.js';
import type { Wx } from '../../src/types.js';
import { activeResources, expectResourcesBack, until } from '../helpers/leaks.js';
import { serversClosedAfter } from '../helpers/servers.js';
import { runVu, runVuFailing, script, type Recorder } from './harness.js';

const start = serversClosedAfter();

describe('connect, send, expect, close', () => {
  test('a round trip reports its connection, messages, bytes, latency and close code', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script(
        [
          {
            connect: {
              url: `${server.url}/chat?room={{ room }}`,
              header: { 'X-Token': '{{ token }}' },
              protocols: ['chat'],
            },
          },
          { send: { type: 'join', room: '{{ room }}' } },
          { expect: { json: { '$.type': 'join', '$.room': '{{ room }}' }, name: 'join' } },
          { send: 'héllo' },
          { expect: { text: 'héllo' } },
          { close: { code: 4001, reason: 'done' } },
        ],
        { appid: 'wx0123456789abcdef', appVersion: '42', platform: 'ios' },
      ),
      { room: 7, token: 'secret' },
    );
    assert.equal(error, null);
    const client = await server.nextConnection();
    assert.equal(client.request.url, '/chat?room=7');
    assert.equal(client.request.headers['x-token'], 'secret');
    assert.equal(client.protocol, 'chat');
    assert.equal(client.request.headers.referer, 'https://servicewechat.com/wx0123456789abcdef/42/page-frame.html');
    assert.match(client.request.headers['user-agent'] ?? '', /MiniProgramEnv\/ios/);
    assert.deepEqual(await client.waitForClose(), { code: 4001, reason: 'done' });

    assert.equal(recorder.counter('wx.platform.ios'), 1);
    assert.equal(recorder.counter(Metric.connectionsOpened), 1);
    assert.equal(recorder.counter(Metric.messagesSent), 2);
    assert.equal(recorder.counter(Metric.messagesReceived), 2);
    const joinBytes = Buffer.byteLength(JSON.stringify({ type: 'join', room: 7 }));
    assert.equal(recorder.counter(Metric.bytesSent), joinBytes + Buffer.byteLength('héllo'));
    assert.equal(recorder.counter(Metric.bytesReceived), joinBytes + Buffer.byteLength('héllo'));
    assert.equal(recorder.count('rate'), 4);
    assert.equal(recorder.counter('wx.close_code.4001'), 1);
    for (const name of [Metric.connectTime, Metric.connectDns, Metric.connectTcpTls, Metric.connectHandshake])
      assert.equal(recorder.histogram(name).length, 1, name);
    assert.equal(recorder.histogram(Metric.messageLatency).length, 2);
    assert.equal(recorder.histogram('wx.message_latency.join').length, 1);
    assert.ok(recorder.histogram(Metric.messageLatency).every((ms) => ms >= 0));
    assert.deepEqual(recorder.errors(), []);
  });

  test('base libraries before 2.10.4 open without a profile: connect_time only', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(script([{ connect: server.url }], { SDKVersion: '2.10.3' }));
    assert.equal(error, null);
    assert.equal(recorder.histogram(Metric.connectTime).length, 1);
    assert.equal(recorder.histogram(Metric.connectHandshake).length, 0);
  });

  test('the URL defaults to config.target; sockets left open are closed with 1000 at the end', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script([{ connect: null }, { connect: { name: 'second' } }], {}, { target: server.url }),
    );
    assert.equal(error, null);
    const closes = await Promise.all(
      [server.nextConnection(), server.nextConnection()].map(async (c) => (await c).waitForClose()),
    );
    assert.deepEqual(closes, [
      { code: 1000, reason: '' },
      { code: 1000, reason: '' },
    ]);
    assert.equal(recorder.counter('wx.close_code.1000'), 2);
  });

  test('captures go to the variables, for the steps after', async () => {
    const server = await start({
      handler: (client) => {
        void client.send(JSON.stringify({ user: { id: 42 }, items: [{ name: 'first' }] }));
        void client.send('token=abc123;');
        client.onMessage(({ data }) => void client.send(`got ${String(data)}`));
      },
    });
    const { error, context } = await runVu(
      script([
        { connect: server.url },
        {
          expect: {
            capture: [
              { json: '$.user.id', as: 'userId' },
              { json: "$.items[0]['name']", as: 'first' },
            ],
          },
        },
        { expect: { regexp: '^token=', capture: { regexp: 'token=(\\w+)', as: 'token' } } },
        { send: '{{ userId }}/{{ first }}/{{ token }}' },
        { expect: { text: 'got 42/first/abc123' } },
      ]),
    );
    assert.equal(error, null);
    assert.equal(context.vars['userId'], 42);
    assert.equal(context.vars['token'], 'abc123');
  });

  test('a check with templates keeps its regular expressions through the templating', async () => {
    const server = await start({ handler: echo });
    const { error, context } = await runVu(
      script([
        { connect: server.url },
        { send: { room: '{{ room }}' } },
        {
          expect: { json: { '$.room': '{{ room }}' }, regexp: 'room', capture: { regexp: '"room":(\\d+)', as: 'got' } },
        },
      ]),
      { room: 12 },
    );
    assert.equal(error, null);
    assert.equal(context.vars['got'], '12');
  });

  test('messages that arrive between steps wait in the inbox, in order', async () => {
    const server = await start({ handler: (client) => void ['one', 'two', 'three'].map((text) => client.send(text)) });
    const { error, recorder } = await runVu(
      script([
        { connect: server.url },
        { think: '50ms' },
        { expect: 'one' },
        { expect: { contains: 'tw' } },
        { expect: { regexp: '^thr' } },
      ]),
    );
    assert.equal(error, null);
    assert.equal(recorder.histogram(Metric.messageLatency).length, 3);
  });

  for (const [inboxLimit, kept] of [
    [2, ['two', 'three']],
    [1, ['three']],
  ] as const) {
    test(`past inboxLimit (${inboxLimit}) unread messages, the oldest are dropped and counted`, async () => {
      const server = await start({
        handler: (client) => void ['one', 'two', 'three'].map((text) => client.send(text)),
      });
      const processor = {
        // Waits for the three to arrive, none of them read.
        arrived: async (_context: unknown, events: Recorder) =>
          assert.ok(await until(() => events.counter(Metric.messagesReceived) === 3)),
      };
      const { error, recorder } = await runVu(
        script(
          [{ connect: server.url }, { function: 'arrived' }, ...kept.map((text) => ({ expect: text }))],
          {
            inboxLimit,
          },
          { processor },
        ),
      );
      assert.equal(error, null);
      assert.equal(recorder.counter(Metric.inboxDropped), 3 - kept.length);
    });
  }

  test('binary messages are read as UTF-8 text', async () => {
    const server = await start({ handler: (client) => void client.send(new TextEncoder().encode('{"kind":"bin"}')) });
    const { error, recorder } = await runVu(script([{ connect: server.url }, { expect: { json: { kind: 'bin' } } }]));
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.bytesReceived), 14);
  });

  test('send: {data} sends text or JSON on the named socket', async () => {
    const server = await start();
    const { error } = await runVu(
      script([
        { connect: { url: server.url, name: 'a' } },
        { connect: { url: server.url, name: 'b' } },
        { send: { data: 'to b', socket: 'b' } },
        { send: { data: { to: 'a' }, socket: 'a' } },
      ]),
    );
    assert.equal(error, null);
    const a = await server.nextConnection();
    const b = await server.nextConnection();
    assert.equal((await a.nextMessage()).data, '{"to":"a"}');
    assert.equal((await b.nextMessage()).data, 'to b');
  });
});

describe('expect failures', () => {
  test('a message that does not match fails the user with expect_mismatch, and the socket is closed', async () => {
    const server = await start({ handler: echo });
    const before = activeResources();
    const { error } = await runVuFailing(
      script([
        { connect: server.url },
        { send: '{"type":"pong"}' },
        { expect: { json: { '$.type': 'ping' } } },
        { send: 'never' },
      ]),
      'expect_mismatch',
    );
    assert.match(error!.message, /\$\.type is "pong", not "ping"/);
    const client = await server.nextConnection();
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
    assert.equal(client.messages.length, 1, 'the steps after the failure did not run');
    await expectResourcesBack(before, 'after expect_mismatch');
  });

  test('skip: true passes over other messages until one matches', async () => {
    const server = await start({ handler: (client) => void ['a', 'b', 'target'].map((text) => client.send(text)) });
    const { error, recorder } = await runVu(
      script([{ connect: server.url }, { expect: { text: 'target', skip: true } }]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.expectSkipped), 2);
  });

  test('no message in time: expect_timeout', async () => {
    const server = await start();
    await runVuFailing(script([{ connect: server.url }, { expect: { timeout: '100ms' } }]), 'expect_timeout');
  });

  test('skipping until the time is up: expect_timeout', async () => {
    const server = await start({ handler: (client) => void client.send('other') });
    await runVuFailing(
      script([{ connect: server.url }, { expect: { text: 'x', skip: true, timeout: 0.2 } }]),
      'expect_timeout',
    );
  });

  test('a capture that finds nothing: capture_failed', async () => {
    const server = await start({ handler: (client) => void client.send('{"a":1}') });
    await runVuFailing(
      script([{ connect: server.url }, { expect: { capture: { json: '$.b', as: 'b' } } }]),
      'capture_failed',
    );
  });

  test('text that is not JSON where JSON is expected: expect_mismatch', async () => {
    const server = await start({ handler: (client) => void client.send('plain') });
    const { error } = await runVuFailing(
      script([{ connect: server.url }, { expect: { json: { a: 1 } } }]),
      'expect_mismatch',
    );
    assert.match(error!.message, /is not JSON/);
  });

  test('the server closing while a step waits: socket_closed', async () => {
    const server = await start({ handler: (client) => void client.close(4002, 'kicked') });
    const { recorder } = await runVuFailing(
      script([{ connect: server.url }, { expect: { timeout: 5 } }]),
      'socket_closed',
    );
    assert.equal(recorder.counter('wx.close_code.4002'), 1);
  });

  test('sending on a socket the server closed: socket_closed', async () => {
    const server = await start({ handler: (client) => void client.close(1000) });
    await runVuFailing(script([{ connect: server.url }, { think: '200ms' }, { send: 'late' }]), 'socket_closed');
  });

  test('a step on a socket never connected: unknown_socket', async () => {
    await runVuFailing(script([{ send: { data: 'x', socket: 'nowhere' } }]), 'unknown_socket');
  });
});

describe('connection failures', () => {
  const cases = [
    ['an HTTP status instead of an upgrade', { type: 'http-status', status: 403 }, 'handshake_http_status'],
    ['a reset connection', { type: 'refuse' }, 'handshake_transport_error'],
    ['no answer to the upgrade', { type: 'no-upgrade-response' }, 'handshake_timeout'],
  ] as const;
  for (const [what, fault, kind] of cases) {
    test(`${what}: ${kind}, counted as a failed connection`, async () => {
      const server = await start({ fault });
      const before = activeResources();
      const { recorder } = await runVuFailing(script([{ connect: { url: server.url, timeout: '300ms' } }]), kind);
      assert.equal(recorder.counter(Metric.connectionsFailed), 1);
      assert.equal(recorder.counter(`wx.connect_failed.${kind}`), 1);
      assert.equal(recorder.counter(Metric.connectionsOpened), 0);
      await expectResourcesBack(before, kind);
    });
  }

  test('more sockets than maxConnections: socket_limit', async () => {
    const server = await start();
    const { recorder } = await runVuFailing(
      script([{ connect: { url: server.url, name: 'a' } }, { connect: { url: server.url, name: 'b' } }], {
        maxConnections: 1,
      }),
      'socket_limit',
    );
    assert.equal(recorder.counter('wx.connect_failed.socket_limit'), 1);
    assert.deepEqual(await (await server.nextConnection()).waitForClose(), { code: 1000, reason: '' });
  });

  test('a URL connectSocket refuses: connect_invalid_options', async () => {
    await runVuFailing(script([{ connect: 'http://127.0.0.1:1/' }]), 'connect_invalid_options');
  });

  test('wss with the CA from config.engines.wxsocket.tls', async () => {
    const server = await start({ secure: true, handler: echo });
    const ca = server.certificates!.caPem;
    const ok = await runVu(script([{ connect: server.url }, { send: 'x' }, { expect: 'x' }], { tls: { ca } }));
    assert.equal(ok.error, null);
    await runVuFailing(script([{ connect: server.url }]), 'handshake_transport_error');
  });
});

describe('close', () => {
  test('a close code WeChat refuses: close_failed, and the socket is still closed at the end', async () => {
    const server = await start();
    await runVuFailing(script([{ connect: server.url }, { close: { code: '{{ code }}' } }]), 'close_failed', {
      code: 999,
    });
    assert.deepEqual(await (await server.nextConnection()).waitForClose(), { code: 1000, reason: '' });
  });

  test('close: name closes that socket only', async () => {
    const server = await start();
    const { error } = await runVu(
      script([
        { connect: { url: server.url, name: 'a' } },
        { connect: { url: server.url, name: 'b' } },
        { close: 'b' },
        { send: { data: 'still', socket: 'a' } },
      ]),
    );
    assert.equal(error, null);
    const a = await server.nextConnection();
    assert.equal((await a.nextMessage()).data, 'still');
  });
});

describe('idle', () => {
  test('counts and reads what arrives, sending the heartbeat meanwhile', async () => {
    let client: TestClient | undefined;
    const server = await start({
      handler: (connected) => {
        client = connected;
        connected.onMessage(({ data }) => {
          if (data === 'push') for (let i = 0; i < 5; i += 1) void connected.send(`push ${i}`);
        });
      },
    });
    const { error, recorder } = await runVu(
      script([
        { connect: server.url },
        { send: 'push' },
        { idle: { duration: '600ms', heartbeat: { interval: '100ms', data: { type: 'ping' } } } },
        { send: 'after' },
      ]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.idleMessages), 5);
    const texts = client!.messages.map((message) => message.data);
    assert.ok(texts.includes('{"type":"ping"}'), `a heartbeat was sent: ${texts.join(', ')}`);
    assert.equal(texts.at(-1), 'after');
  });
});

describe('think, loop, function', () => {
  test('think and idle inside a loop wait as at the top level: each idle beats, and no beat outlives it', async () => {
    const server = await start();
    const before = activeResources();
    const { error } = await runVu(
      script([
        { connect: server.url },
        {
          loop: [{ idle: { duration: '300ms', heartbeat: { interval: '100ms', data: 'beat' } } }, { think: '10ms' }],
          count: 2,
        },
        { send: 'after' },
      ]),
    );
    assert.equal(error, null);
    const client = await server.nextConnection();
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
    const texts = client.messages.map((message) => message.data);
    // A beat falls due 100 ms into an idle, before its end at 300 ms: each of the two idles sent at least one.
    assert.ok(texts.filter((text) => text === 'beat').length >= 2, texts.join(', '));
    assert.equal(texts.at(-1), 'after', 'no beat after the idle ended');
    await expectResourcesBack(before, 'after idle in a loop');
  });

  for (const [where, flow, kind] of [
    ['a think in a loop whose time is no duration', [{ loop: [{ think: '{{ pause }}' }], count: 2 }], 'invalid_step'],
    ['an idle in a loop whose time is no duration', [{ loop: [{ idle: '{{ pause }}' }], count: 2 }], 'invalid_step'],
    [
      'an idle whose heartbeat interval is no duration',
      [{ idle: { duration: 1, heartbeat: { interval: '{{ pause }}', data: 'beat' } } }],
      'invalid_step',
    ],
    ['an idle on a socket never connected', [{ idle: { duration: 1, socket: 'nowhere' } }], 'unknown_socket'],
  ] as const) {
    test(`${where}: the user fails once, its socket closed and no timer left`, async () => {
      const server = await start({ handler: echo });
      const before = activeResources();
      await runVuFailing(script([{ connect: server.url }, ...flow, { send: 'never' }]), kind, { pause: 'long' });
      const client = await server.nextConnection();
      assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
      assert.equal(client.messages.length, 0, 'the steps after the failure did not run');
      await expectResourcesBack(before, where);
    });
  }

  test('loop: count, over (a list or a variable) and whileTrue, with $loopCount and $loopElement', async () => {
    const server = await start();
    const { error } = await runVu(
      script(
        [
          { connect: server.url },
          { loop: [{ send: 'count {{ $loopCount }}' }], count: '{{ rounds }}' },
          { loop: [{ send: 'over {{ $loopElement }}' }], over: ['a', 'b'] },
          { loop: [{ send: 'var {{ $loopElement }}' }], over: 'names' },
          { loop: [{ send: 'while {{ $loopCount }}' }], whileTrue: 'belowTwo' },
        ],
        {},
        {
          processor: {
            belowTwo: (context: { vars: { $loopCount: number } }, next: (goOn: boolean) => void) =>
              next(context.vars.$loopCount < 1),
          },
        },
      ),
      { rounds: 2, names: ['x'] },
    );
    assert.equal(error, null);
    const client = await server.nextConnection();
    const texts = await Promise.all(Array.from({ length: 7 }, async () => (await client.nextMessage()).data));
    assert.deepEqual(texts, ['count 0', 'count 1', 'over a', 'over b', 'var x', 'while 0', 'while 1']);
  });

  test('loop over a variable that is not a list: invalid_step', async () => {
    await runVuFailing(script([{ loop: [], over: 'missing' }]), 'invalid_step');
  });

  test('a think time from a template that is not a duration: invalid_step', async () => {
    await runVuFailing(script([{ think: '{{ pause }}' }]), 'invalid_step', { pause: 'long' });
  });

  test("function steps get the user's wx, its events and next; async, callback and plain styles", async () => {
    const server = await start({ handler: echo });
    const seen: unknown[] = [];
    const processor = {
      // The virtual user's own mini program: its own connectSocket and canIUse (base library 2.9.0 has no timeout).
      useWx: async (context: { wx: { canIUse(name: string): boolean }; vars: Record<string, unknown> }) => {
        seen.push(context.wx.canIUse('connectSocket.object.timeout'));
        context.vars['fromHook'] = 'hooked';
      },
      callback: (_context: unknown, events: { emit(...args: unknown[]): void }, next: () => void) => {
        events.emit('counter', 'custom.metric', 3);
        setImmediate(next);
      },
      plain: (context: { vars: Record<string, unknown> }) => void seen.push(context.vars['fromHook']),
    };
    const { error, recorder, context } = await runVu(
      script(
        [{ connect: server.url }, { function: 'useWx' }, { function: 'callback' }, { function: 'plain' }],
        { SDKVersion: '2.9.0' },
        { processor },
      ),
    );
    assert.equal(error, null);
    assert.deepEqual(seen, [false, 'hooked']);
    assert.equal(recorder.counter('custom.metric'), 3);
    assert.equal(typeof context.wx?.connectSocket, 'function');
  });

  test("function steps get one wx, the mini program of the engine's own connections", async () => {
    const server = await start({ handler: echo });
    const seen: unknown[] = [];
    type WithWx = { wx: Wx };
    const processor = {
      before: (context: WithWx) => void seen.push(context.wx),
      // One connection allowed: the engine's, open, leaves none for this one.
      after: (context: WithWx) =>
        new Promise<void>((resolve) => {
          seen.push(context.wx);
          context.wx.connectSocket({ url: server.url, fail: ({ errMsg }) => resolve(void seen.push(errMsg)) });
        }),
    };
    const { error, context } = await runVu(
      script(
        [{ function: 'before' }, { connect: server.url }, { function: 'after' }],
        { maxConnections: 1 },
        { processor },
      ),
    );
    assert.equal(error, null);
    assert.equal(seen[1], seen[0], 'the same wx each time');
    assert.equal(context.wx, seen[0]);
    assert.equal(seen[2], 'connectSocket:fail fail reach max websocket connect count 1');
    // A plain property as far as user code can tell: listed, and replaced by an assignment.
    assert.ok(Object.keys(context).includes('wx'));
    const replacement = { ...context.wx! };
    context.wx = replacement;
    assert.equal(context.wx, replacement);
  });

  test('context.wx assigned by a function step is what the later hooks read; the engine keeps its own', async () => {
    const server = await start({ handler: echo });
    const replacement = { replaced: true };
    const seen: unknown[] = [];
    type WithWx = { wx: unknown };
    const processor = {
      assign: (context: WithWx) => void (context.wx = replacement),
      read: (context: WithWx) => void seen.push(context.wx),
      once: (context: WithWx & { vars: { $loopCount: number } }, next: (goOn: boolean) => void) => {
        seen.push(context.wx);
        next(context.vars.$loopCount < 0);
      },
    };
    const { error, context, recorder } = await runVu(
      script(
        [
          { function: 'assign' },
          { loop: [{ function: 'read' }], whileTrue: 'once' },
          // The engine's steps go on through the virtual user's own mini program.
          { connect: server.url },
          { send: 'still' },
          { expect: 'still' },
        ],
        {},
        { processor },
      ),
    );
    assert.equal(error, null);
    assert.deepEqual(seen, [replacement, replacement]);
    assert.equal(context.wx, replacement);
    assert.ok(Object.keys(context).includes('wx'));
    assert.equal(recorder.counter(Metric.connectionsOpened), 1);
  });

  for (const [style, hook] of [
    ['rejects', async () => Promise.reject(new Error('boom'))],
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    ['passes an error to next', (_c: unknown, _e: unknown, next: (error: Error) => void) => next(new Error('boom'))],
  ] as const) {
    test(`a function that ${style}: function_error`, async () => {
      const server = await start();
      const { error } = await runVuFailing(
        script([{ connect: server.url }, { function: 'hook' }], {}, { processor: { hook } }),
        'function_error',
      );
      assert.match(error!.message, /hook: boom/);
      assert.deepEqual(await (await server.nextConnection()).waitForClose(), { code: 1000, reason: '' });
    });
  }

  test('a function the processor lacks when the step runs: function_error', async () => {
    await runVuFailing(script([{ function: 'later' }], {}, { processor: './processor.js' }), 'function_error');
  });
});
