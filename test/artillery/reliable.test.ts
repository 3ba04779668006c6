// Reliable sockets (`connect: {reliable}`) and the `reconnect` step: reconnection through wxsocket/reliable, with
// its backoff, measured as wx.reconnect_time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metric } from '../../src/artillery/index.js';
import { echo } from '../../src/testing/index.js';
import { activeResources, expectResourcesBack } from '../helpers/leaks.js';
import { serversClosedAfter } from '../helpers/servers.js';
import { runVu, runVuFailing, script } from './harness.js';

const start = serversClosedAfter();
const fast = { reconnect: { initialDelay: 20, jitter: 0 } };

describe('reliable sockets', () => {
  test('a lost connection comes back by itself: the expect waits through it, reconnect_time is measured', async () => {
    let connections = 0;
    const server = await start({
      handler: (client) => {
        connections += 1;
        void client.send(`welcome ${connections}`);
        client.onMessage(({ data }) => {
          if (data === 'drop') client.terminate();
        });
      },
    });
    const before = activeResources();
    const { error, recorder } = await runVu(
      script([
        { connect: { url: server.url, reliable: fast } },
        { expect: 'welcome 1' },
        { send: 'drop' },
        { expect: 'welcome 2' },
        { reconnect: { wait: true } },
        { close: { code: 4000, reason: 'bye' } },
      ]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.connectionsOpened), 2);
    assert.equal(recorder.counter(Metric.reconnects), 1);
    assert.equal(recorder.histogram(Metric.reconnectTime).length, 1);
    assert.equal(recorder.counter('wx.close_code.1006'), 1);
    assert.equal(recorder.counter('wx.close_code.4000'), 1);
    await expectResourcesBack(before, 'after a reliable socket');
  });

  test('reconnect replaces the open connection now', async () => {
    const server = await start({ handler: echo });
    const { error, recorder } = await runVu(
      script([
        { connect: { url: server.url, reliable: true } },
        { reconnect: null },
        { send: 'on the new one' },
        { expect: 'on the new one' },
      ]),
    );
    assert.equal(error, null);
    const first = await server.nextConnection();
    assert.equal((await first.waitForClose()).code, 1000);
    const second = await server.nextConnection();
    assert.equal((await second.nextMessage()).data, 'on the new one');
    assert.equal(recorder.histogram(Metric.reconnectTime).length, 1);
  });

  test('failed attempts are counted by kind; the connect step waits through them', async () => {
    const server = await start({
      handler: echo,
      fault: ({ number }) => (number === 1 ? { type: 'refuse' } : undefined),
    });
    const { error, recorder } = await runVu(
      script([{ connect: { url: server.url, reliable: fast } }, { send: 'x' }, { expect: 'x' }]),
    );
    assert.equal(error, null);
    assert.equal(recorder.counter(Metric.connectionsFailed), 1);
    assert.equal(recorder.counter('wx.connect_failed.handshake_transport_error'), 1);
    assert.equal(recorder.counter(Metric.connectionsOpened), 1);
  });

  test('a first connection that never opens fails with its last failure', async () => {
    const server = await start({ fault: { type: 'http-status', status: 503 } });
    const before = activeResources();
    await runVuFailing(
      script([{ connect: { url: server.url, reliable: fast, timeout: '300ms' } }]),
      'handshake_http_status',
    );
    await expectResourcesBack(before, 'after a reliable socket that never opened');
  });

  test('a reconnection that does not come in time: reconnect_timeout', async () => {
    const server = await start({ fault: ({ number }) => (number === 1 ? undefined : { type: 'refuse' }) });
    const { error } = await runVuFailing(
      script([{ connect: { url: server.url, reliable: fast } }, { reconnect: { timeout: '300ms' } }]),
      'reconnect_timeout',
    );
    assert.match(error!.message, /last attempt: .*Underlying Transport Error/);
  });

  test('the heartbeat of wxsocket/reliable runs on the socket', async () => {
    const server = await start();
    const { error } = await runVu(
      script(
        [
          { connect: { url: server.url, reliable: { heartbeat: { message: 'ping', interval: 50, timeout: 5000 } } } },
          { function: 'waitForPing' },
        ],
        {},
        {
          processor: {
            waitForPing: async () => {
              const client = await server.nextConnection();
              assert.equal((await client.nextMessage()).data, 'ping');
            },
          },
        },
      ),
    );
    assert.equal(error, null);
  });

  test('reconnect on a plain socket: invalid_step', async () => {
    const server = await start();
    await runVuFailing(script([{ connect: server.url }, { reconnect: null }]), 'invalid_step');
  });

  test('sending after the reliable socket closed: socket_closed', async () => {
    const server = await start();
    await runVuFailing(
      script([{ connect: { url: server.url, reliable: true } }, { close: null }, { send: 'late' }]),
      'socket_closed',
    );
  });
});
