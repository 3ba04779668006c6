/**
 * MQTT.js on Node registers its `wx://` transport only with `forceNativeWebSocket: true` (or where it detects a
 * browser), and picks its transport table once, at the first `connect()` of the process. Without the option a
 * `wx://` URL silently falls back to plain MQTT over a socket: the global `wx` is never called. Own file: the
 * table must still be unset when the test starts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { installWx, type Wx } from '../../src/node.js';

test('MQTT.js pitfall (documented): without forceNativeWebSocket, wx:// on Node never calls wx.connectSocket', async (t) => {
  const { wx, uninstall } = installWx();
  let calls = 0;
  const counting: Wx = { ...wx, connectSocket: (option) => (calls++, wx.connectSocket(option)) };
  (globalThis as { wx?: unknown }).wx = counting;
  const client = mqtt.connect('wx://127.0.0.1:1/mqtt', { reconnectPeriod: 0 });
  t.after(() => {
    client.end(true);
    uninstall();
  });
  const error: NodeJS.ErrnoException = await new Promise((resolve) =>
    client.once('error', (e) => resolve(e as NodeJS.ErrnoException)),
  );
  // The URL's path became a Unix socket path for the TCP transport.
  assert.equal(client.options.protocol, 'mqtt');
  assert.equal(error.code, 'ENOENT');
  assert.match(error.message, /\/mqtt/);
  assert.equal(calls, 0);
});
