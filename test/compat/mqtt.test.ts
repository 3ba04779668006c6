/**
 * MQTT.js (npm `mqtt` 5.x) unmodified, over its `wx://`/`wxs://` transport, which calls the global
 * `wx.connectSocket`: `installWx()` provides it, aedes is the broker, every byte crosses a real WebSocket on
 * 127.0.0.1. The library's own bugs, and how tests avoid them, are in docs/compatibility.md ("MQTT.js").
 */
// First: the Buffer-pool workaround must run before mqtt and aedes load (see the fixture).
import { restoreBufferPool } from './fixtures/unpooled-buffers.js';

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { installWx, type Wx } from '../../src/node.js';
import { startMqttBroker, type MqttBroker } from './fixtures/mqtt-broker.js';
import { connected, endClient, next, nextTimerTurn, taskClosed, taskOf } from './fixtures/mqtt-client.js';

after(restoreBufferPool);

const HOST = 'mqtt.example.test';
/** Payload sizes around MQTT's remaining-length and WebSocket's frame-length boundaries, up to 256 KiB. */
const SIZES = [0, 1, 125, 126, 127, 128, 16_383, 16_384, 65_535, 65_536, 256 * 1024];
const QOS_LEVELS = [0, 1, 2] as const;

type Platform = 'android' | 'ios';
type Scheme = 'wx' | 'wxs';
type TestContext = { after(fn: () => unknown): void };

interface Setup {
  readonly broker: MqttBroker;
  readonly wx: Wx;
  readonly url: string;
  /** Runs `fn` at the end of the test, before what was deferred earlier (clients end before the broker stops). */
  defer(fn: () => unknown): void;
}

/**
 * Starts a broker and installs the global `wx` (with the domain check on for `wxs`, as in a released mini program).
 * Undone after the test.
 */
async function setUp(t: TestContext, platform: Platform, scheme: Scheme): Promise<Setup> {
  const secure = scheme === 'wxs';
  const broker = await startMqttBroker(secure ? { secure: true, hostname: HOST } : {});
  const { wx, uninstall } = installWx({ platform, ...(secure && { domains: [HOST] }), ...broker.server.wxOptions });
  const deferred: Array<() => unknown> = [() => broker.close(), uninstall];
  t.after(async () => {
    for (const fn of deferred.reverse()) await fn();
  });
  const url = `${scheme}://${secure ? HOST : '127.0.0.1'}:${broker.server.port}/mqtt`;
  return { broker, wx, url, defer: (fn) => void deferred.push(fn) };
}

/** Connects an MQTT.js client as a mini program does; ended after the test. */
async function connectClient(setup: Setup, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  // `forceNativeWebSocket`: without it MQTT.js on Node does not register its wx:// transport (see the docs).
  const client = mqtt.connect(setup.url, {
    forceNativeWebSocket: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...options,
  });
  setup.defer(() => endClient(client));
  await connected(client);
  return client;
}

/** Resolves with the next `count` payloads the client receives on `topic`, in order. */
function collect(client: MqttClient, topic: string, count: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const payloads: Buffer[] = [];
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      payloads.push(payload);
      if (payloads.length === count) {
        client.off('message', onMessage);
        resolve(payloads);
      }
    };
    client.on('message', onMessage);
  });
}

/** Resolves with the next `count` payloads the broker accepts on `topic`, from any client. */
function brokerReceives(broker: MqttBroker, topic: string, count: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const payloads: Buffer[] = [];
    const deliver = (packet: { payload: Buffer | string }, done: () => void) => {
      payloads.push(Buffer.from(packet.payload));
      done();
      if (payloads.length === count) broker.aedes.unsubscribe(topic, deliver, () => resolve(payloads));
    };
    broker.aedes.subscribe(topic, deliver, () => {});
  });
}

for (const platform of ['android', 'ios'] as const) {
  for (const scheme of ['wx', 'wxs'] as const) {
    describe(`MQTT.js over ${scheme}:// on ${platform}`, () => {
      test('§1 offers the "mqtt" subprotocol, the broker selects it, and the first frame is one whole CONNECT packet', async (t) => {
        const setup = await setUp(t, platform, scheme);
        const { broker } = setup;
        await connectClient(setup);
        const connection = await broker.server.nextConnection();
        assert.deepEqual(connection.request.protocols, ['mqtt']);
        assert.equal(connection.protocol, 'mqtt');
        assert.equal(connection.request.url, '/mqtt');
        const first = connection.messages[0];
        assert.ok(first && Buffer.isBuffer(first.data) && first.binary);
        assert.equal(first.data[0]! >> 4, 1, 'packet type CONNECT');
        assert.equal(first.data.length, 2 + first.data[1]!, 'exactly the packet, as its header says');
      });

      for (const qos of QOS_LEVELS) {
        test(
          `§0.7 publishes and receives at QoS ${qos}, payloads of 0 B to 256 KiB byte for byte in both directions`,
          { timeout: 60_000 },
          async (t) => {
            const setup = await setUp(t, platform, scheme);
            const { broker } = setup;
            const client = await connectClient(setup);
            const topic = `wxsocket/${platform}/${scheme}/qos${qos}`;
            const granted = await client.subscribeAsync(topic, { qos });
            assert.equal(granted[0]?.qos, qos);
            const payloads = SIZES.map((size) => randomBytes(size));
            const atBroker = brokerReceives(broker, topic, payloads.length);
            const atClient = collect(client, topic, payloads.length);
            for (const payload of payloads) await client.publishAsync(topic, payload, { qos });
            const [brokerGot, clientGot] = await Promise.all([atBroker, atClient]);
            for (const [index, payload] of payloads.entries()) {
              assert.ok(brokerGot[index]!.equals(payload), `broker: the payload of ${payload.length} bytes differs`);
              assert.ok(clientGot[index]!.equals(payload), `client: the payload of ${payload.length} bytes differs`);
            }
          },
        );
      }

      test('§2 ends cleanly: client.end() sends DISCONNECT, then closes its SocketTask with 1000', async (t) => {
        const setup = await setUp(t, platform, scheme);
        const { broker } = setup;
        const client = await connectClient(setup);
        const task = taskOf(client);
        const closed = new Promise((resolve) => task.onClose(resolve));
        const disconnected = once(broker.aedes, 'clientDisconnect');
        await client.endAsync();
        await disconnected;
        // Our close came first, so onClose reports what MQTT.js asked for (§2); aedes drops its end on DISCONNECT.
        assert.deepEqual(await closed, { code: 1000, reason: '' });
        assert.equal(task.readyState, task.CLOSED);
      });
    });
  }
}

describe('MQTT.js reconnecting through wx.connectSocket', () => {
  test(
    '§0.6 after the broker drops the connection, onClose drives MQTT.js to reconnect with a new SocketTask',
    { timeout: 30_000 },
    async (t) => {
      const setup = await setUp(t, 'android', 'wx');
      const { broker, wx } = setup;
      const client = await connectClient(setup, { reconnectPeriod: 20 });
      assert.equal((globalThis as { wx?: unknown }).wx, wx);
      const firstTask = taskOf(client);
      (await broker.server.nextConnection()).terminate();
      await next(client, 'close');
      assert.equal(firstTask.readyState, firstTask.CLOSED);
      await next(client, 'connect');
      assert.notEqual(taskOf(client), firstTask);
      const topic = 'wxsocket/after-reconnect';
      await client.subscribeAsync(topic, { qos: 1 });
      const received = collect(client, topic, 1);
      await client.publishAsync(topic, 'again', { qos: 1 });
      assert.equal((await received)[0]?.toString(), 'again');
    },
  );
});

describe('MQTT.js wx-transport bug: one module-level socket for every client (documented)', () => {
  test('a client connected in the same timer turn as the previous one closed has its socket closed by the library', async (t) => {
    const setup = await setUp(t, 'android', 'wx');
    const first = await connectClient(setup);
    await first.endAsync();
    await taskClosed(taskOf(first));
    // No timer turn: the library's deferred close of "the" socket now finds the new client's task.
    const second = mqtt.connect(setup.url, { forceNativeWebSocket: true, reconnectPeriod: 0 });
    setup.defer(() => endClient(second));
    const secondTask = taskOf(second);
    const closed = new Promise((resolve) => secondTask.onClose(resolve));
    assert.deepEqual(await closed, { code: 1000, reason: '' });
    assert.equal(second.connected, false);
  });

  test('waiting one timer turn after the previous client closed (the documented workaround) lets the next one connect', async (t) => {
    const setup = await setUp(t, 'android', 'wx');
    const first = await connectClient(setup);
    await first.endAsync();
    await taskClosed(taskOf(first));
    await nextTimerTurn();
    const second = await connectClient(setup);
    assert.equal(second.connected, true);
    assert.equal(taskOf(second).readyState, 1);
  });
});
