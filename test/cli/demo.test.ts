// `wxsocket demo`: the flows on both profiles, as WeChat delivers them, for people and as JSON.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { buildCli, jsonLines, runCli } from './cli-helpers.js';

before(buildCli);

type Entry = {
  t: number;
  type: string;
  name?: string;
  title?: string;
  text?: string;
  payload?: unknown;
  profile?: string;
  flow?: string;
};

/** The entries of one profile, from its first section to the next profile's. */
function entriesOf(entries: Entry[], profile: string): Entry[] {
  return entries.filter((entry) => entry.profile === profile);
}

/** The calls, callbacks and listeners of one flow, as `type name`. */
function namesIn(entries: Entry[], flow: RegExp): string[] {
  return entries
    .filter((entry) => flow.test(entry.flow ?? '') && entry.type !== 'note' && entry.type !== 'section')
    .map((entry) => `${entry.type} ${entry.name}`);
}

describe('wxsocket demo --json', () => {
  let entries: Entry[];
  let elapsed: number;
  before(async () => {
    const started = performance.now();
    const result = await runCli(['demo', '--json']);
    elapsed = performance.now() - started;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    entries = jsonLines(result.stdout) as Entry[];
  });

  test('every line is a JSON object with a non-decreasing time since the start', () => {
    assert.ok(entries.length > 50);
    for (let i = 1; i < entries.length; i++) assert.ok(entries[i]!.t >= entries[i - 1]!.t, `line ${i}`);
    assert.ok(elapsed < 15_000, `the demo took ${elapsed} ms`);
  });

  test('runs seven flows on android, then on ios', () => {
    const sections = entries
      .filter((entry) => entry.type === 'section' && entry.profile !== undefined)
      .map((entry) => entry.title);
    assert.equal(sections.length, 14);
    assert.match(sections[0]!, /^android · 1\. global API/);
    assert.match(sections[4]!, /^android · 5\. the domain check/);
    assert.match(sections[5]!, /^android · 6\. the user leaves the app and comes back/);
    assert.match(sections[6]!, /^android · 7\. the phone switches network/);
    assert.match(sections[7]!, /^ios · 1\. global API/);
    assert.match(entries.at(-1)!.title ?? '', /^done: 7 flows on android and ios in /);
  });

  test("§3 the 1.x documentation's queue-before-open sample: queued sends go out after wx.onSocketOpen, echoes come back, wx.closeSocket closes", () => {
    const android = entriesOf(entries, 'android');
    assert.deepEqual(namesIn(android, /queue messages/), [
      'call wx.connectSocket',
      'callback wx.connectSocket.success',
      'listener wx.onSocketOpen',
      'call wx.sendSocketMessage',
      'call wx.sendSocketMessage',
      'callback wx.sendSocketMessage.success',
      'callback wx.sendSocketMessage.success',
      'listener wx.onSocketMessage',
      'listener wx.onSocketMessage',
      'call wx.closeSocket',
      'callback wx.closeSocket.success',
      'listener wx.onSocketClose',
    ]);
    const open = android.find((entry) => entry.name === 'wx.onSocketOpen')!;
    assert.deepEqual(Object.keys(open.payload as object), ['header'], 'wx.onSocketOpen gets {header} only');
    const messages = android.filter((entry) => entry.name === 'wx.onSocketMessage').map((entry) => entry.payload);
    assert.deepEqual(messages, [{ data: 'hello' }, { data: 'world' }]);
    assert.deepEqual(android.find((entry) => entry.name === 'wx.onSocketClose')!.payload, { code: 1000, reason: '' });
    const queued = android.filter((entry) => entry.type === 'note' && /^queued/.test(entry.text ?? ''));
    assert.equal(queued.length, 2);
  });

  test('§2 a SocketTask exchanges text and binary and closes with a code and a reason', () => {
    for (const profile of ['android', 'ios']) {
      const flow = entriesOf(entries, profile);
      const open = flow.find((entry) => entry.name === 'task.onOpen')!;
      const { header, profile: timing } = open.payload as {
        header: Record<string, string>;
        profile: Record<string, number>;
      };
      assert.equal(header['Sec-WebSocket-Protocol'], 'chat.v1');
      assert.equal(header['X-Served-By'], 'wxsocket demo');
      assert.deepEqual(Object.keys(timing), [
        'fetchStart',
        'domainLookUpStart',
        'domainLookUpEnd',
        'connectStart',
        'connectEnd',
        'rtt',
        'handshakeCost',
        'cost',
      ]);
      const messages = flow.filter((entry) => entry.name === 'task.onMessage').map((entry) => entry.payload);
      assert.deepEqual(messages, [
        { data: '你好, WeChat' },
        { data: { type: 'ArrayBuffer', byteLength: 4, hex: '777800ff' } },
      ]);
      assert.deepEqual(flow.find((entry) => entry.name === 'task.onClose')!.payload, {
        code: 4000,
        reason: 'demo finished',
      });
      assert.deepEqual(flow.find((entry) => entry.name === 'task.close.success')!.payload, {
        errMsg: 'closeSocket:ok',
      });
    }
  });

  test('§1 profile ios adds socketTaskId to connectSocket success; android does not', () => {
    const success = (profile: string) =>
      entriesOf(entries, profile)
        .filter((entry) => entry.name === 'wx.connectSocket.success')
        .map((entry) => entry.payload);
    for (const payload of success('android')) assert.deepEqual(payload, { errMsg: 'connectSocket:ok' });
    for (const payload of success('ios')) {
      assert.deepEqual(Object.keys(payload as object), ['errMsg', 'socketTaskId']);
      assert.equal((payload as { errMsg: string }).errMsg, 'connectSocket:ok');
    }
  });

  test("§3 the documentation's caveat: wx.closeSocket before onSocketOpen fails and the socket opens all the same", () => {
    for (const profile of ['android', 'ios']) {
      assert.deepEqual(namesIn(entriesOf(entries, profile), /before onSocketOpen/), [
        'call wx.connectSocket',
        'call wx.closeSocket',
        'callback wx.connectSocket.success',
        'callback wx.closeSocket.fail',
        'listener wx.onSocketOpen',
        'call wx.closeSocket',
        'callback wx.closeSocket.success',
        'listener wx.onSocketClose',
      ]);
      const fail = entriesOf(entries, profile).find((entry) => entry.name === 'wx.closeSocket.fail')!;
      assert.deepEqual(fail.payload, { errMsg: 'closeSocket:fail WebSocket is not connected' });
    }
  });

  test('§5 the domain check refuses the IP URL: success, then onError alone, with each profile’s text', () => {
    const expected = {
      android: { errMsg: 'fail:url not in domain list', errCode: 1004 },
      ios: { errMsg: 'createSocketTask:fail url not in domain list' },
    } as const;
    for (const profile of ['android', 'ios'] as const) {
      const flow = entriesOf(entries, profile);
      assert.deepEqual(namesIn(flow, /domain check/), [
        'call wx.connectSocket',
        'callback wx.connectSocket.success',
        'listener task.onError',
      ]);
      assert.match(
        JSON.stringify(flow.find((entry) => entry.type === 'call' && /domain check/.test(entry.flow ?? ''))!.payload),
        /wss:\/\/127\.0\.0\.1:\d+/,
      );
      assert.deepEqual(flow.find((entry) => entry.name === 'task.onError')!.payload, expected[profile]);
      assert.ok(flow.some((entry) => /the server saw 0 connection attempts/.test(entry.text ?? '')));
    }
  });

  test('§8.1 hide, suspend, show: the socket closes while suspended and its onClose "interrupted" comes after onAppShow', () => {
    for (const profile of ['android', 'ios']) {
      const flow = entriesOf(entries, profile);
      assert.deepEqual(namesIn(flow, /leaves the app/), [
        'call wx.connectSocket',
        'callback wx.connectSocket.success',
        'listener task.onOpen',
        'call phone.hide',
        'listener wx.onAppHide',
        'call phone.suspend',
        'call phone.show',
        'listener wx.onAppShow',
        'listener task.onClose',
      ]);
      const close = flow.filter((entry) => /leaves the app/.test(entry.flow ?? '') && entry.name === 'task.onClose');
      assert.deepEqual(close[0]!.payload, { code: 1000, reason: 'interrupted' });
    }
  });

  test('§8.3 a network switch: onNetworkStatusChange, onError, onClose 1006, and a new connection opens at once', () => {
    const errors = { android: { errMsg: 'abnormal closure', errCode: 1006 }, ios: { errMsg: 'abnormal closure' } };
    for (const profile of ['android', 'ios'] as const) {
      const flow = entriesOf(entries, profile).filter((entry) => /switches network/.test(entry.flow ?? ''));
      assert.deepEqual(namesIn(flow, /switches network/), [
        'call wx.connectSocket',
        'callback wx.connectSocket.success',
        'listener task.onOpen',
        'call phone.setNetworkType',
        'listener wx.onNetworkStatusChange',
        'listener task.onError',
        'listener task.onClose',
        'call wx.connectSocket',
        'callback wx.connectSocket.success',
        'listener task.onOpen',
        'call task.close',
        'callback task.close.success',
        'listener task.onClose',
      ]);
      const payloads = (name: string) => flow.filter((entry) => entry.name === name).map((entry) => entry.payload);
      assert.deepEqual(payloads('wx.onNetworkStatusChange'), [{ isConnected: true, networkType: '4g' }]);
      assert.deepEqual(payloads('task.onError'), [errors[profile]]);
      assert.deepEqual(payloads('task.onClose'), [
        { code: 1006, reason: 'abnormal closure' },
        { code: 1000, reason: '' },
      ]);
    }
  });

  test('callbacks in a call are shown as "function": their presence is what WeChat looks at', () => {
    const call = entries.find((entry) => entry.type === 'call')!;
    assert.deepEqual(Object.keys(call.payload as object), ['url', 'success', 'fail']);
    assert.equal((call.payload as Record<string, unknown>)['success'], 'function');
  });
});

describe('wxsocket demo for people', () => {
  test('prints an aligned timeline without colour when NO_COLOR is set', async () => {
    const result = await runCli(['demo', '--platform', 'ios'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.equal(result.code, 0, result.stderr);
    // eslint-disable-next-line no-control-regex -- no ANSI code (ESC) in the output
    assert.doesNotMatch(result.stdout, /\u001b\[/);
    assert.doesNotMatch(result.stdout, /^android/m, '--platform ios runs ios only');
    assert.match(result.stdout, /^ios · 2\. SocketTask: text and binary$/m);
    assert.match(result.stdout, /^ +\+\d+\.\d ms ← task\.onMessage +\{data: ArrayBuffer\(4\) <77 78 00 ff>\}$/m);
    assert.match(
      result.stdout,
      /^ +\+\d+\.\d ms → task\.close +\(\{code: 4000, reason: "demo finished", success: ƒ, fail: ƒ\}\)$/m,
    );
    assert.match(result.stdout, /← task\.onError +\{errMsg: "createSocketTask:fail url not in domain list"\}/);
    assert.match(result.stdout, /^done: 7 flows on ios in /m);
  });

  test('explains itself in words a newcomer can place: what the arrows mean, where the samples come from', async () => {
    const help = await runCli(['demo', '--help']);
    const result = await runCli(['demo', '--platform', 'android']);
    assert.equal(result.code, 0, result.stderr);
    for (const text of [help.stdout, result.stdout]) assert.doesNotMatch(text, /\bseed\b/i);
    assert.match(result.stdout, /→ a call the mini program makes, ← what WeChat delivers to it/);
    assert.match(result.stdout, /the sample of WeChat's 1\.x documentation/);
    assert.match(
      result.stdout,
      /a caveat of WeChat's documentation: it cannot close a socket that is still connecting/,
    );
  });

  test('colours the timeline when FORCE_COLOR is set and NO_COLOR is not', async () => {
    const result = await runCli(['demo', '--platform', 'android'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.equal(result.code, 0, result.stderr);
    /* eslint-disable no-control-regex -- the ANSI codes (ESC) around the text are what these check */
    assert.match(result.stdout, /\u001b\[31mtask\.onError\u001b\[39m/);
    assert.match(result.stdout, /\u001b\[1mandroid · 1\./);
    /* eslint-enable no-control-regex */
  });
});
