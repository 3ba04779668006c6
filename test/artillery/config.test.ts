// The engine's settings and flows are checked when Artillery creates the engine: a bad script fails before any
// virtual user, with an error naming the setting or step.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveEngineConfig } from '../../src/artillery/config.js';
import { parseDuration } from '../../src/artillery/duration.js';
import { EngineConfigError, WxSocketEngine } from '../../src/artillery/index.js';
import { helpers, script } from './harness.js';

function rejects(subject: ReturnType<typeof script>, path: string, problem: RegExp): void {
  assert.throws(
    () => new WxSocketEngine(subject, undefined, helpers),
    (error: unknown) => {
      assert.ok(error instanceof EngineConfigError, `an EngineConfigError, got ${String(error)}`);
      assert.equal(error.path, path);
      assert.match(error.message, problem);
      assert.equal(error.code, 'WXSOCKET_ARTILLERY_INVALID_CONFIG');
      return true;
    },
  );
}

describe('config.engines.wxsocket', () => {
  test('each bad setting is named with what it must be', () => {
    const flow = [{ connect: 'ws://127.0.0.1:1' }];
    rejects(
      script(flow, { platfrom: 'ios' }),
      'config.engines.wxsocket.platfrom',
      /is not a setting \(known: platform/,
    );
    rejects(script(flow, { platform: 'harmony' }), 'config.engines.wxsocket.platform', /'android', 'ios' or weights/);
    rejects(
      script(flow, { platform: { android: 1, harmony: 1 } }),
      'config.engines.wxsocket.platform.harmony',
      /weights/,
    );
    rejects(script(flow, { platform: { android: -1 } }), 'config.engines.wxsocket.platform.android', /number ≥ 0/);
    rejects(script(flow, { platform: { android: 0, ios: 0 } }), 'config.engines.wxsocket.platform', /weight above 0/);
    rejects(script(flow, { SDKVersion: '3.x' }), 'config.engines.wxsocket.SDKVersion', /version such as/);
    rejects(
      script(flow, { SDKVersion: '1.6.9' }),
      'config.engines.wxsocket.SDKVersion',
      /1\.7\.0 or later \(SocketTask\)/,
    );
    rejects(script(flow, { appid: 'wx 123' }), 'config.engines.wxsocket.appid', /letters, digits/);
    rejects(script(flow, { appVersion: '' }), 'config.engines.wxsocket.appVersion', /letters, digits/);
    rejects(script(flow, { timeout: '5 minutes' }), 'config.engines.wxsocket.timeout', /positive duration/);
    rejects(script(flow, { timeout: 0 }), 'config.engines.wxsocket.timeout', /positive duration/);
    rejects(script(flow, { maxConnections: 0 }), 'config.engines.wxsocket.maxConnections', /whole number ≥ 1/);
    rejects(script(flow, { inboxLimit: 1.5 }), 'config.engines.wxsocket.inboxLimit', /whole number ≥ 1/);
    rejects(script(flow, { tls: { cert: 'x' } }), 'config.engines.wxsocket.tls', /\{ca: \.\/ca\.pem\}/);
    rejects(script(flow, { tls: { ca: 42 } }), 'config.engines.wxsocket.tls.ca', /PEM text or paths/);
    rejects(
      script(flow, { tls: { ca: './no-such-ca.pem' } }),
      'config.engines.wxsocket.tls.ca',
      /cannot read .*no-such-ca\.pem \(ENOENT\)/,
    );
    const notObject = { config: { engines: { wxsocket: 'android' } }, scenarios: [] };
    rejects(notObject, 'config.engines.wxsocket', /must be an object of settings/);
  });

  test('a script without settings runs on the defaults', () => {
    const settings = resolveEngineConfig(undefined, undefined);
    assert.equal(settings.pickPlatform(), 'android');
    assert.equal(settings.timeout, 10_000);
    assert.equal(settings.inboxLimit, 1000);
    assert.deepEqual(settings.ca, []);
  });

  test('platform weights pick each virtual user by its share', () => {
    // A random source that walks [0, 1) evenly: 70 of 100 picks fall in android's share.
    let step = 0;
    const settings = resolveEngineConfig({ platform: { android: 70, ios: 30 } }, undefined, () => step++ / 100);
    const picks = Array.from({ length: 100 }, () => settings.pickPlatform());
    assert.equal(picks.filter((platform) => platform === 'android').length, 70);
    assert.equal(picks.filter((platform) => platform === 'ios').length, 30);
    const iosOnly = resolveEngineConfig({ platform: { android: 0, ios: 1 } }, undefined, () => 0);
    assert.equal(iosOnly.pickPlatform(), 'ios');
  });

  test('tls.ca takes PEM text as is and reads paths relative to the script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxsocket-artillery-'));
    try {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(join(dir, 'ca.pem'), pem);
      const settings = resolveEngineConfig({ tls: { ca: ['./ca.pem', pem] } }, join(dir, 'test.yml'));
      assert.deepEqual(settings.ca, [pem, pem]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('durations are seconds, or strings with a unit', () => {
    assert.equal(parseDuration(2), 2000);
    assert.equal(parseDuration(0.5), 500);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('3'), 3000);
    for (const bad of [-1, Infinity, '1h', 'soon', '', null, {}])
      assert.equal(parseDuration(bad), undefined, String(bad));
  });
});

describe('flows', () => {
  test('each bad step is named by its place in the flow', () => {
    rejects(script([{ sned: 'hi' }]), 'scenarios[0].flow[0]', /is not a step \(steps: connect, send, expect/);
    rejects(script([{ send: 'a', expect: 'b' }]), 'scenarios[0].flow[0]', /several steps: send, expect/);
    rejects(script(['send']), 'scenarios[0].flow[0]', /must be a step such as/);
    rejects(script([{ send: 'a', count: 2 }]), 'scenarios[0].flow[0].count', /not an option of send/);
    rejects(script([{ connect: {} }]), 'scenarios[0].flow[0].connect.url', /config\.target is not set/);
    rejects(
      script([{ connect: { url: 'ws://x', retry: true } }]),
      'scenarios[0].flow[0].connect.retry',
      /not an option here/,
    );
    rejects(
      script([{ connect: { url: 'ws://x', protocols: 'chat' } }]),
      'scenarios[0].flow[0].connect.protocols',
      /list of subprotocols/,
    );
    rejects(script([{ connect: { url: 'ws://x', name: 'a b' } }]), 'scenarios[0].flow[0].connect.name', /socket name/);
    rejects(
      script([{ connect: { url: 'ws://x', reliable: { reconnect: { factor: 0.5 } } } }]),
      'scenarios[0].flow[0].connect.reliable.reconnect.factor',
      /must be/,
    );
    rejects(script([{ send: 42 }]), 'scenarios[0].flow[0].send', /text, or an object sent as JSON/);
    rejects(script([{ expect: { json: { '$[x]': 1 } } }]), 'scenarios[0].flow[0].expect.json', /not a path such as/);
    rejects(script([{ expect: { regexp: '(' } }]), 'scenarios[0].flow[0].expect.regexp', /not a regular expression/);
    rejects(
      script([{ expect: { capture: { json: '$.id' } } }]),
      'scenarios[0].flow[0].expect.capture[0].as',
      /name the variable/,
    );
    rejects(
      script([{ expect: { capture: { as: 'id' } } }]),
      'scenarios[0].flow[0].expect.capture[0]',
      /one of json or regexp/,
    );
    rejects(script([{ expect: { skip: 'yes' } }]), 'scenarios[0].flow[0].expect.skip', /true or false/);
    rejects(script([{ expect: { timeout: 'later' } }]), 'scenarios[0].flow[0].expect.timeout', /must be a duration/);
    rejects(script([{ idle: {} }]), 'scenarios[0].flow[0].idle.duration', /is missing/);
    rejects(
      script([{ idle: { duration: 1, heartbeat: { interval: 1 } } }]),
      'scenarios[0].flow[0].idle.heartbeat',
      /interval and data/,
    );
    rejects(script([{ close: { code: 'normal' } }]), 'scenarios[0].flow[0].close.code', /close code/);
    rejects(script([{ reconnect: { wait: 1 } }]), 'scenarios[0].flow[0].reconnect.wait', /true or false/);
    rejects(script([{ think: 'a while' }]), 'scenarios[0].flow[0].think', /must be a duration/);
    // Longer than a timer can wait (24.8 days): it would end at once.
    rejects(script([{ think: '35800m' }]), 'scenarios[0].flow[0].think', /must be a duration up to 2147483647 ms/);
    rejects(script([{ loop: [{ send: 'a' }] }]), 'scenarios[0].flow[0]', /loop needs count, over or whileTrue/);
    rejects(script([{ loop: [{ sned: 'a' }], count: 2 }]), 'scenarios[0].flow[0].loop[0]', /is not a step/);
    rejects(script([{ loop: [], count: -1 }]), 'scenarios[0].flow[0].count', /whole number ≥ 0/);
    rejects(
      script([{ function: 'missing' }], {}, { processor: { present: () => undefined } }),
      'scenarios[0].flow[0].function',
      /config\.processor does not have/,
    );
    rejects(script({ send: 'a' } as never), 'scenarios[0].flow', /list of steps/);
  });

  test('scenarios of other engines are left to them', () => {
    const subject = { config: { engines: { wxsocket: {} } }, scenarios: [{ engine: 'ws', flow: [{ anything: 1 }] }] };
    assert.ok(new WxSocketEngine(subject, undefined, helpers));
  });

  test('the engine needs the helpers Artillery passes', () => {
    assert.throws(
      () => new WxSocketEngine(script([]), undefined, undefined),
      /helpers \(third argument\) have no template/,
    );
  });
});
