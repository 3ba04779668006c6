/**
 * Contract §0.5: every entry point takes hostile input without throwing, answers with a
 * specific `fail`, and leaves no socket, timer or listener behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WxOptionsError, createWx } from '../../src/node.js';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import type { Wx } from '../../src/types.js';
import { Log, callbacks, recordTask, settle } from '../conformance/recorder.js';
import { activeResources, expectResourcesBack } from '../helpers/leaks.js';

type Report = [error: unknown, where: string];

/**
 * Reports of the `wx.*` backstop (where `wx.<method>`): a `wx.*` method never throws because the backstop catches
 * anything, so a test of "never throws" must check that nothing reached it.
 */
const backstopped = (reports: readonly Report[]): Report[] => reports.filter(([, where]) => where.startsWith('wx.'));

/** An object whose every property read throws. */
function throwingGetters(keys: string[]): object {
  const object = {};
  for (const key of keys) {
    Object.defineProperty(object, key, {
      enumerable: true,
      get: () => {
        throw new Error(`getter ${key} exploded`);
      },
    });
  }
  return object;
}

/** A proxy whose every trap throws. */
const hostileProxy = new Proxy(
  {},
  new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap exploded');
      },
    },
  ),
);

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('hostile input', () => {
  let server: TestServer;
  let handlesBefore: string[];
  before(async () => {
    handlesBefore = activeResources();
    server = await createTestServer({ handler: echo });
  });
  after(async () => {
    await server.close();
    await expectResourcesBack(handlesBefore, 'hostile input');
  });

  it('§1 connectSocket: throwing getters, proxies and revoked proxies fail or are ignored, never throw', async () => {
    const reports: Report[] = [];
    const wx = createWx({ reportError: (error, where) => reports.push([error, where]) });
    const inputs: unknown[] = [
      throwingGetters(['url']),
      hostileProxy,
      revokedProxy(),
      Object.freeze({ url: 'http://frozen' }),
      { url: 'ws://127.0.0.1:1', header: hostileProxy },
      { url: 'ws://127.0.0.1:1', header: revokedProxy() },
      { url: 'ws://127.0.0.1:1', protocols: hostileProxy },
      {
        url: 'ws://127.0.0.1:1',
        protocols: new Proxy([], {
          get: () => {
            throw new Error('no');
          },
        }),
      },
      Object.defineProperty({ url: 'ws://127.0.0.1:1' }, 'timeout', {
        get: () => {
          throw new Error('no');
        },
      }),
      {
        url: {
          toString: () => {
            throw new Error('no');
          },
        },
      },
      { url: Symbol('url') },
      Object.create(null),
    ];
    // `wx.*` methods cannot throw (a backstop catches and reports): what must not happen is reaching the backstop.
    for (const input of inputs) wx.connectSocket(input as never);
    assert.deepEqual(backstopped(reports), []);

    const log = new Log();
    const keeps = Object.defineProperties(
      { ...callbacks(log, 'b:') },
      {
        url: {
          enumerable: true,
          get: () => {
            throw new Error('url getter exploded');
          },
        },
      },
    );
    wx.connectSocket(keeps as never);
    await log.waitFor('b:complete');
    assert.equal(
      log.only('b:fail').errMsg,
      'connectSocket:fail parameter error: parameter.url could not be read: Error: url getter exploded',
    );

    const headerLog = new Log();
    const header = Object.defineProperty({}, 'X-Bad', {
      enumerable: true,
      get: () => {
        throw new Error('header getter');
      },
    });
    assert.equal(wx.connectSocket({ url: server.url, header, ...callbacks(headerLog) }), undefined);
    await headerLog.waitFor('complete');
    assert.match(
      headerLog.only('fail').errMsg,
      /^connectSocket:fail parameter error: parameter could not be read: Error: header getter$/,
    );
    await settle(5);
    assert.equal(server.connectionCount, 0, 'no connection for any refused call');
  });

  it('§0.2 callbacks whose getters throw are treated as absent; the call still ends', async () => {
    const reports: Report[] = [];
    const wx = createWx({ reportError: (error, where) => reports.push([error, where]) });
    const log = new Log();
    const options = Object.defineProperties(
      { url: 'nope', complete: (result: unknown) => log.add('complete', result) },
      {
        fail: {
          enumerable: true,
          get: () => {
            throw new Error('fail getter');
          },
        },
      },
    );
    wx.connectSocket(options as never);
    await log.waitFor('complete');
    assert.equal(log.only('complete').errMsg, 'connectSocket:fail invalid url "nope"');
    assert.deepEqual(reports, []);
  });

  it('§1 huge strings: a 4 MiB url or header value is handled without throwing', async () => {
    const wx = createWx();
    const huge = 'a'.repeat(4 * 1024 * 1024);
    const log = new Log();
    wx.connectSocket({ url: huge, ...callbacks(log) });
    await log.waitFor('complete');
    assert.equal(log.only('fail').errMsg.length, 'connectSocket:fail invalid url ""'.length + huge.length);
    const bad = new Log();
    wx.connectSocket({ url: server.url, header: { ['X-' + huge]: 'x\n' }, ...callbacks(bad) });
    await bad.waitFor('complete');
    assert.match(
      bad.only('fail').errMsg,
      /^connectSocket:fail parameter error: header "X-a{62}…" has an invalid value$/,
    );
  });

  it('§1 __proto__ and constructor keys in options and header cannot pollute prototypes', async () => {
    const wx = createWx();
    const options =
      JSON.parse(`{"url": "${server.url}", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}},
      "header": {"__proto__": {"polluted": 3}, "constructor": "x"}}`);
    const task = wx.connectSocket(options);
    const log = recordTask(task);
    await log.waitFor('open');
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    const handshake = server.handshakes.at(-1)!;
    assert.equal(handshake.headers['constructor'], 'x');
    assert.equal(handshake.headers['__proto__'], '[object Object]');
    void task.close({});
    await log.waitFor('close');
  });

  it('§2 task methods take hostile options: proxies, throwing getters, frozen objects', async () => {
    for (const platform of ['android', 'ios'] as const) {
      const reports: Report[] = [];
      const wx: Wx = createWx({ platform, reportError: (error, where) => reports.push([error, where]) });
      const task = wx.connectSocket({ url: server.url });
      const log = recordTask(task);
      await log.waitFor('open');
      const inputs: unknown[] = [
        undefined,
        null,
        1,
        'x',
        hostileProxy,
        revokedProxy(),
        throwingGetters(['data', 'code', 'reason', 'success']),
      ];
      for (const input of inputs) {
        assert.doesNotThrow(() => task.send(input as never)); // task methods have no backstop: this can fail
        wx.sendSocketMessage(input as never);
      }
      const frozen = new Log();
      void task.send(Object.freeze({ data: 'frozen', ...callbacks(frozen) }));
      await frozen.waitFor('complete');
      assert.equal(frozen.only('success').errMsg, 'sendSocketMessage:ok');
      const getter = new Log();
      void task.close(
        Object.defineProperties(
          { ...callbacks(getter) },
          {
            code: {
              get: () => {
                throw new Error('code getter');
              },
            },
          },
        ),
      );
      await getter.waitFor('complete');
      assert.equal(getter.only('success').errMsg, 'closeSocket:ok', 'an unreadable code counts as none: 1000');
      await log.waitFor('close');
      assert.deepEqual(log.only('close'), { code: 1000, reason: '' });
      for (const input of inputs) assert.doesNotThrow(() => task.close(input as never));
      for (const input of inputs) wx.closeSocket(input as never);
      await settle(5);
      assert.deepEqual(backstopped(reports), [], 'no wx.* method reached its backstop');
      // Promises returned to nobody (ios task methods, the global API) were reported, never thrown.
      assert.ok(reports.every(([error]) => typeof (error as { errMsg?: unknown }).errMsg === 'string'));
    }
  });

  it('§0.3 callbacks and listeners that throw are reported with where they ran, and dispatch goes on', async () => {
    const reported: string[] = [];
    const wx = createWx({ reportError: (_error, where) => reported.push(where) });
    const task = wx.connectSocket({
      url: server.url,
      success: () => {
        throw new Error('success bug');
      },
      complete: () => {
        throw new Error('complete bug');
      },
    });
    task.onOpen(() => {
      throw new Error('open bug');
    });
    wx.onSocketOpen(() => {
      throw new Error('global open bug');
    });
    const log = recordTask(task);
    await log.waitFor('open');
    void task.close({});
    await log.waitFor('close');
    assert.deepEqual(reported, [
      'connectSocket success callback',
      'connectSocket complete callback',
      'SocketTask.onOpen listener',
      'wx.onSocketOpen listener',
    ]);
  });

  it('createWx refuses bad options with a WxOptionsError naming the option', () => {
    const cases: [unknown, string][] = [
      ['android', '(options)'],
      [{ platform: 'windows' }, 'platform'],
      [{ SDKVersion: '2.x' }, 'SDKVersion'],
      [{ SDKVersion: 2 }, 'SDKVersion'],
      [{ domains: 'a.com' }, 'domains'],
      [{ domains: ['http://a.com'] }, 'domains'],
      [{ urlCheck: 'yes' }, 'urlCheck'],
      [{ maxConnections: 0 }, 'maxConnections'],
      [{ maxConnections: 1.5 }, 'maxConnections'],
      [{ networkTimeout: { connectSocket: -1 } }, 'networkTimeout.connectSocket'],
      [{ appId: 'a/b' }, 'appId'],
      [{ appVersion: '' }, 'appVersion'],
      [{ tls: { ca: 42 } }, 'tls.ca'],
      [{ transport: 'ws' }, 'transport'],
      [{ maxMessageSize: Infinity }, 'maxMessageSize'],
      [{ reportError: true }, 'reportError'],
      [hostileProxy, '(options)'],
      [throwingGetters(['platform']), '(options)'],
    ];
    for (const [options, option] of cases) {
      assert.throws(
        () => createWx(options as never),
        (error: unknown) => {
          assert.ok(error instanceof WxOptionsError, `${String(error)}`);
          assert.equal(error.option, option);
          assert.equal(error.code, 'WXSOCKET_INVALID_OPTION');
          assert.match(error.message, /^createWx: /);
          return true;
        },
        option,
      );
    }
  });
});
