/**
 * The emulated phone's control (contract §8): `phoneOf(wx)` and `installWx().phone`, their typed errors for bad input
 * (state untouched), the field-condition options of `createWx`, and the suspension delay as a timer that fake timers
 * drive.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WxOptionsError, WxPhoneError, createWx, installWx, phoneOf } from '../../src/node.js';
import type { Phone, Transport, TransportRequest } from '../../src/public.js';
import { until } from '../helpers/leaks.js';
import { Log, recordTask, settle } from '../conformance/recorder.js';
import { echo } from '../../src/testing/index.js';
import { serversClosedAfter } from '../helpers/servers.js';

/** Asserts that `call` throws a `WxPhoneError` whose message matches. */
function assertPhoneError(call: () => unknown, message: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof WxPhoneError, `a WxPhoneError, not ${String(error)}`);
    assert.ok(error instanceof TypeError);
    assert.equal(error.code, 'WXSOCKET_INVALID_PHONE_INPUT');
    assert.match(error.message, message);
    return true;
  });
}

describe('phoneOf', () => {
  it('returns one control per wx object, and installWx hands out the same', () => {
    const wx = createWx();
    assert.equal(phoneOf(wx), phoneOf(wx));
    assert.notEqual(phoneOf(createWx()), phoneOf(wx));
    const installed = installWx();
    try {
      assert.equal(installed.phone, phoneOf(installed.wx));
    } finally {
      installed.uninstall();
    }
  });

  it('throws a WxPhoneError for anything that is not a wx object made by createWx', () => {
    for (const value of [undefined, null, 42, 'wx', {}, { ...createWx() }, new Proxy(createWx(), {})]) {
      assertPhoneError(() => phoneOf(value as never), /^phoneOf: expects a wx object made by createWx or installWx/);
    }
  });

  it('reads its state as a frozen snapshot: foreground, wifi, strong link by default', () => {
    const phone = phoneOf(createWx());
    assert.deepEqual(phone.state, {
      app: 'foreground',
      networkType: 'wifi',
      isConnected: true,
      weakNet: false,
      link: undefined,
    });
    assert.ok(Object.isFrozen(phone.state));
  });
});

describe('a phone taken after its wx object connected', () => {
  const start = serversClosedAfter();
  // The app lifecycle, the network status and the phone are made when first asked for: this wx object asks for none
  // of them until its socket is open.
  it('governs the open socket: listeners added now get the events, offline fails the socket', async () => {
    const server = await start({ handler: echo });
    const wx = createWx();
    const log = recordTask(wx.connectSocket({ url: server.url })!);
    await log.waitFor('open');
    wx.onAppHide(() => log.add('hide', null));
    wx.onNetworkStatusChange((result) => log.add('status', result));
    const phone = phoneOf(wx);
    phone.hide({ suspendDelay: Infinity });
    phone.offline();
    await log.waitFor('close');
    assert.deepEqual(log.names(), ['open', 'hide', 'status', 'error', 'close']);
    assert.deepEqual(log.only('status'), { isConnected: false, networkType: 'none' });
    assert.equal(log.only('error').errMsg, 'network is down');
    assert.equal(log.only('close').code, 1006);
    const type = await new Promise((resolve) => wx.getNetworkType({ success: resolve }));
    assert.equal((type as { networkType: string }).networkType, 'none');
    assert.equal(phone.state.app, 'background');
  });
});

describe('bad input to the control', () => {
  const cases: [string, (phone: Phone) => unknown, RegExp][] = [
    [
      'an unknown network type',
      (phone) => phone.setNetworkType('lte' as never),
      /^phone\.setNetworkType: type must be one of wifi, 2g, 3g, 4g, 5g, unknown, none, not "lte"$/,
    ],
    ['online with none', (phone) => phone.online('none' as never), /^phone\.online: type must be one of/],
    [
      'a negative latency',
      (phone) => phone.weaken({ latency: -1 }),
      /^phone\.weaken: latency must be a number of milliseconds from 0 to 2147483647 or {up, down}, not -1$/,
    ],
    [
      'a latency longer than a timer can wait',
      (phone) => phone.weaken({ latency: { down: 2 ** 31 } }),
      /^phone\.weaken: latency\.down must be a number of milliseconds from 0 to 2147483647, not 2147483648$/,
    ],
    [
      'a NaN latency per direction',
      (phone) => phone.weaken({ latency: { up: NaN } }),
      /^phone\.weaken: latency\.up must be/,
    ],
    [
      'a zero bandwidth',
      (phone) => phone.weaken({ bandwidth: 0 }),
      /^phone\.weaken: bandwidth must be a number of bytes per second > 0 or {up, down}, not 0$/,
    ],
    ['an infinite bandwidth', (phone) => phone.weaken({ bandwidth: Infinity }), /^phone\.weaken: bandwidth must be/],
    [
      'a string jitter',
      (phone) => phone.weaken({ jitter: '5' as never }),
      /^phone\.weaken: jitter must be a number of milliseconds from 0 to 2147483647 or {up, down}, not "5"$/,
    ],
    [
      'an unknown condition',
      (phone) => phone.weaken({ delay: 5 } as never),
      /^phone\.weaken: unknown option "delay" \(known: latency, bandwidth, jitter\)$/,
    ],
    [
      'an unknown direction',
      (phone) => phone.weaken({ latency: { up: 1, sideways: 2 } as never }),
      /^phone\.weaken: unknown option "latency\.sideways" \(known: up, down\)$/,
    ],
    [
      'no conditions',
      (phone) => phone.weaken(undefined as never),
      /^phone\.weaken: options must be an object, not Undefined$/,
    ],
    [
      'a negative suspension delay',
      (phone) => phone.hide({ suspendDelay: -1 }),
      /^phone\.hide: suspendDelay must be a number of milliseconds from 0 to 2147483647, or Infinity, not -1$/,
    ],
    ['an unknown hide option', (phone) => phone.hide({ delay: 5 } as never), /^phone\.hide: unknown option "delay"/],
    [
      'a hide reason outside 0–3',
      (phone) => phone.hide({ reason: 7 as never }),
      /^phone\.hide: reason must be 0, 1, 2 or 3, not 7$/,
    ],
    [
      'a scene that is not a number',
      (phone) => phone.show({ scene: '1001' as never }),
      /^phone\.show: launch\.scene must be a whole number ≥ 0, not "1001"$/,
    ],
    [
      'an unknown launch field',
      (phone) => phone.show({ page: 'index' } as never),
      /^phone\.show: unknown option "launch\.page" \(known: path, scene, query, referrerInfo\)$/,
    ],
    [
      'a query of numbers',
      (phone) => phone.show({ query: { id: 7 } as never }),
      /^phone\.show: launch\.query must be an object of strings, not Object$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`throws for ${name}, and the phone is unchanged`, () => {
      const phone = phoneOf(createWx());
      const before = phone.state;
      assertPhoneError(() => call(phone), message);
      assert.deepEqual(phone.state, before);
    });
  }
});

describe('createWx options of the field conditions', () => {
  const cases: [string, object, string][] = [
    ['a negative suspendDelay', { suspendDelay: -5 }, 'suspendDelay'],
    ['a suspendDelay setTimeout cannot honour', { suspendDelay: 2 ** 31 }, 'suspendDelay'],
    ['an unknown background mode', { requiredBackgroundModes: ['video'] }, 'requiredBackgroundModes'],
    ['background modes as a string', { requiredBackgroundModes: 'audio' }, 'requiredBackgroundModes'],
    ['a fractional scene', { launch: { scene: 1.5 } }, 'launch.scene'],
    ['an unknown launch field', { launch: { page: 'x' } }, 'launch.page'],
    ['a launch that is not an object', { launch: 'pages/index' }, 'launch'],
  ];
  for (const [name, options, option] of cases) {
    it(`throws a WxOptionsError naming ${option} for ${name}`, () => {
      assert.throws(
        () => createWx(options as never),
        (error: unknown) => error instanceof WxOptionsError && error.option === option,
      );
    });
  }
});

describe('the suspension delay', () => {
  it('is a setTimeout, so fake timers drive it: suspended exactly when the delay has passed', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const wx = createWx({ suspendDelay: 3000 });
    const phone = phoneOf(wx);
    phone.hide();
    t.mock.timers.tick(2999);
    assert.equal(phone.state.app, 'background');
    t.mock.timers.tick(1);
    assert.equal(phone.state.app, 'suspended');
    phone.show();
    assert.equal(phone.state.app, 'foreground');
  });

  it('is called off by show(), and hide({suspendDelay}) overrides the createWx option', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const phone = phoneOf(createWx());
    phone.hide({ suspendDelay: 10 });
    phone.show();
    t.mock.timers.tick(10_000);
    assert.equal(phone.state.app, 'foreground');
    phone.hide({ suspendDelay: 10 });
    t.mock.timers.tick(10);
    assert.equal(phone.state.app, 'suspended');
  });

  it('never starts with a background mode: the app stays in the background', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const phone = phoneOf(createWx({ requiredBackgroundModes: ['location'] }));
    phone.hide();
    t.mock.timers.tick(60_000);
    assert.equal(phone.state.app, 'background');
    phone.suspend(); // an explicit suspension still suspends
    assert.equal(phone.state.app, 'suspended');
  });
});

describe('the additive listener lists', () => {
  it('off*(non-function) is ignored; a listener added twice runs twice and is removed with one off*', async () => {
    const wx = createWx();
    const phone = phoneOf(wx);
    const log = new Log();
    const listener = (result: unknown): void => log.add('status', result);
    wx.onNetworkStatusChange(listener);
    wx.onNetworkStatusChange(listener);
    wx.onNetworkStatusChange('not a function' as never);
    wx.offNetworkStatusChange(null as never);
    phone.offline();
    await log.waitFor('status', { count: 2 });
    wx.offNetworkStatusChange(listener);
    phone.online();
    await settle(5);
    assert.equal(log.all('status').length, 2);
  });

  it('a listener added during a dispatch runs from the next event on', async () => {
    const wx = createWx();
    const phone = phoneOf(wx);
    const log = new Log();
    wx.onAppHide(() => {
      log.add('first', null);
      wx.onAppHide(() => log.add('added', null));
    });
    phone.hide();
    phone.show();
    phone.hide();
    await log.waitFor('added');
    await settle(3);
    assert.deepEqual(log.names(), ['first', 'first', 'added']);
  });

  it('a listener removed during a dispatch still runs in it, and not from the next event on', async () => {
    const wx = createWx();
    const phone = phoneOf(wx);
    const log = new Log();
    const second = (): void => log.add('second', null);
    wx.onAppShow(() => {
      log.add('first', null);
      wx.offAppShow(second);
    });
    wx.onAppShow(second);
    phone.hide();
    phone.show();
    await log.waitFor('second');
    phone.hide();
    phone.show();
    await log.waitFor('first', { count: 2 });
    await settle(3);
    assert.deepEqual(log.names(), ['first', 'second', 'first']);
  });
});

describe('the weak link reaches the transport', () => {
  /** A transport that records each request and never connects (the test ends each attempt itself). */
  function recordingTransport(requests: TransportRequest[]): Transport {
    return (request, handlers) => {
      requests.push(request);
      void handlers; // never called: the connection stays CONNECTING until the test closes it
      return { send() {}, close() {}, abort() {}, bufferedAmount: 0 };
    };
  }

  it('no link at all while the phone is not asked for; then one live link whose conditions follow weaken/strengthen', async () => {
    const requests: TransportRequest[] = [];
    const wx = createWx({ transport: recordingTransport(requests) });
    void wx.connectSocket({ url: 'ws://127.0.0.1:1/' }).close({});
    const first = wx.connectSocket({ url: 'ws://127.0.0.1:1/' });
    await until(() => requests.length === 1, { maxMs: 2000 });
    assert.equal(requests[0]!.link, undefined, 'an untouched phone costs nothing: no link');

    const phone = phoneOf(wx);
    const second = wx.connectSocket({ url: 'ws://127.0.0.1:1/' });
    await until(() => requests.length === 2, { maxMs: 2000 });
    const link = requests[1]!.link;
    assert.ok(link, 'a controlled phone hands its link to each new connection');
    assert.equal(link.conditions, undefined, 'a strong link shapes nothing');
    phone.weaken({ latency: { up: 20, down: 80 }, bandwidth: 16_000, jitter: 5 });
    assert.deepEqual(link.conditions, {
      up: { latency: 20, jitter: 5, bandwidth: 16_000 },
      down: { latency: 80, jitter: 5, bandwidth: 16_000 },
    });
    phone.strengthen();
    assert.equal(link.conditions, undefined);
    void first.close({}); // abandons the handshakes: no timer left
    void second.close({});
  });
});
