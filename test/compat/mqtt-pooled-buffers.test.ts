/**
 * MQTT.js's wx transport sends `chunk.buffer`: the whole ArrayBuffer under a Node Buffer. A faithful
 * `SocketTask.send` sends every byte of the ArrayBuffer it is given (§2), so with Node's Buffer pool on, a small
 * packet goes out as the pool's whole 8 KiB slab. This file runs without the workaround (docs/compatibility.md) to
 * show the bug, so that the workaround stays justified; it must not import fixtures/unpooled-buffers.
 */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { installWx } from '../../src/node.js';
import { createTestServer } from '../../src/testing/index.js';
import { endClient } from './fixtures/mqtt-client.js';

test("§2 MQTT.js bug (documented): send takes the whole ArrayBuffer, so with Node's Buffer pool on, its CONNECT packet goes out inside the pool's 8 KiB", async (t) => {
  assert.ok(Buffer.poolSize > 0, 'this file runs with the pool on');
  const server = await createTestServer();
  const { uninstall } = installWx();
  const client = mqtt.connect(`wx://127.0.0.1:${server.port}/mqtt`, {
    forceNativeWebSocket: true,
    reconnectPeriod: 0,
    clientId: 'pooled',
  });
  t.after(async () => {
    await endClient(client);
    uninstall();
    await server.close();
  });
  const connection = await server.nextConnection();
  const frame = (await connection.nextMessage()).data;
  assert.ok(Buffer.isBuffer(frame));
  // The frame is the slab, not the packet: what `send` was given, byte for byte.
  assert.equal(frame.length, Buffer.poolSize);
  // The CONNECT packet (type 1, protocol name "MQTT", client id "pooled") is in there somewhere.
  const at = frame.indexOf(Buffer.from('\u0000\u0004MQTT'));
  assert.ok(at >= 2, 'the protocol name is inside the frame');
  assert.equal(frame[at - 2]! >> 4, 1);
  const packetLength = 2 + frame[at - 1]!;
  assert.ok(packetLength < frame.length);
  assert.ok(frame.subarray(at - 2, at - 2 + packetLength).includes(Buffer.from('pooled')));
});
