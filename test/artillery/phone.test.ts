// The field-condition steps on each virtual user's emulated phone: the app in the background (suspended after
// WeChat's delay), network switches, time offline, a weak link.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineConfigError, Metric, WxSocketEngine } from '../../src/artillery/index.js';
import { phoneOf, type Wx } from '../../src/node.js';
import { echo } from '../../src/testing/index.js';
import { serversClosedAfter } from '../helpers/servers.js';
import { helpers, runVu, runVuFailing, script } from './harness.js';

const start = serversClosedAfter();
const fast = { reconnect: { initialDelay: 20, jitter: 0 } };

describe('background', () => {
  test('suspended after the delay: the socket is closed, onClose 1000 comes on return, the next send fails', async () => {
    const server = await start();
    const { recorder } = await runVuFailing(
      script([{ connect: server.url }, { background: { duration: '300ms', suspendDelay: '50ms' } }, { send: 'late' }]),
      'socket_closed',
    );
    assert.equal((await (await server.nextConnection()).waitForClose()).code, 1000);
    assert.equal(recorder.counter(Metric.backgrounds), 1);
    assert.equal(recorder.counter(Metric.suspensions), 1);
    assert.equal(recorder.counter('wx.close_code.1000'), 1);
  });

  test('back before the delay: not suspended, the socket still works', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script([{ connect: server.url }, { background: '100ms' }, { send: 'still here' }, { expect: 'still here' }]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.backgrounds), 1);
    assert.equal(recorder.counter(Metric.suspensions), 0);
  });

  test('a reliable socket reconnects once the app is back', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script([
        { connect: { url: server.url, reliable: fast } },
        { background: { duration: '200ms', suspend: true } },
        { reconnect: { wait: true } },
        { send: 'back' },
        { expect: 'back' },
      ]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.suspensions), 1);
    assert.equal(recorder.counter(Metric.reconnects), 1);
    assert.equal(recorder.histogram(Metric.reconnectTime).length, 1);
  });
});

describe('network', () => {
  test('offline kills the connection (1006); a plain socket stays closed', async () => {
    const server = await start();
    const { recorder } = await runVuFailing(
      script([{ connect: server.url }, { network: { offline: '100ms' } }, { send: 'late' }]),
      'socket_closed',
    );
    assert.equal(recorder.counter(Metric.offline), 1);
    assert.equal(recorder.counter('wx.close_code.1006'), 1);
  });

  test('a reliable socket comes back after a time offline, and after a network switch', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script([
        { connect: { url: server.url, reliable: fast } },
        { network: { offline: '100ms' } },
        { reconnect: { wait: true } },
        { network: { type: '4g' } },
        { reconnect: { wait: true } },
        { send: 'on 4g' },
        { expect: 'on 4g' },
      ]),
    );
    assert.equal(error, null);
    assert.ok(recorder.counter(Metric.reconnects) >= 1);
    assert.equal(recorder.counter(Metric.connectionsOpened), 1 + recorder.counter(Metric.reconnects));
  });

  test('weak sets the link conditions of the phone until weak: false', async () => {
    const server = await start({ handler: echo });
    const seen: unknown[] = [];
    const look = (context: { wx: Wx }) => void seen.push(phoneOf(context.wx).state.link);
    const { error, recorder } = await runVu(
      script(
        [
          { network: { weak: { latency: 150, bandwidth: { down: 16000 } } } },
          { connect: server.url },
          { function: 'look' },
          { send: 'slow' },
          { expect: { text: 'slow', name: 'weak' } },
          { network: { weak: false } },
          { function: 'look' },
        ],
        {},
        { processor: { look } },
      ),
    );
    assert.equal(error, null);
    const weak = { up: { latency: 150, jitter: 0 }, down: { latency: 150, jitter: 0, bandwidth: 16000 } };
    assert.deepEqual(seen, [weak, undefined]);
    // The link's latency, each way, is in the round trip (a lower bound: the emulation adds it, nothing removes it).
    const [latency] = recorder.histogram('wx.message_latency.weak');
    assert.ok(latency! >= 300, `a round trip over 150 ms each way took ${latency} ms`);
  });

  test('bad network and background steps are named', () => {
    const bad: Array<[unknown, string, RegExp]> = [
      [{ network: {} }, 'scenarios[0].flow[0].network', /needs type, offline or weak/],
      [{ network: { type: '6g' } }, 'scenarios[0].flow[0].network.type', /one of wifi, 2g/],
      [{ network: { weak: { loss: 1 } } }, 'scenarios[0].flow[0].network.weak.loss', /not an option/],
      [{ network: { weak: { latency: -1 } } }, 'scenarios[0].flow[0].network.weak.latency', /milliseconds from 0/],
      // Longer than a timer can wait: refused with the script, not when the step runs.
      [{ network: { weak: { jitter: { up: 2 ** 31 } } } }, 'scenarios[0].flow[0].network.weak.jitter', /to 2147483647/],
      [{ network: { weak: { bandwidth: 0 } } }, 'scenarios[0].flow[0].network.weak.bandwidth', /bytes per second > 0/],
      [{ background: { suspend: true } }, 'scenarios[0].flow[0].background.duration', /is missing/],
    ];
    for (const [step, path, problem] of bad) {
      assert.throws(
        () => new WxSocketEngine(script([step]), undefined, helpers),
        (error: unknown) => error instanceof EngineConfigError && error.path === path && problem.test(error.message),
        path,
      );
    }
  });
});
