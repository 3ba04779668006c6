/**
 * The incoming message size limit (`createWx({maxMessageSize})`, default 32 MiB [ours]): a hostile server cannot make
 * the client buffer more than that for one message, whether it sends one frame, many fragments, or a small
 * compressed frame that inflates (permessage-deflate). An oversized message ends the connection as the contract's
 * event order says: the messages before it arrive, then onError, then onClose 1006; the oversized one never does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../../src/options.js';
import type { SocketTask } from '../../src/types.js';
import { until } from '../helpers/leaks.js';
import { serversClosedAfter } from '../helpers/servers.js';

const MiB = 1024 * 1024;
const start = serversClosedAfter();

interface Recorded {
  readonly task: SocketTask;
  readonly events: Array<{ name: string; result: Record<string, unknown> }>;
  readonly names: () => string;
  readonly ended: () => boolean;
}

function record(task: SocketTask): Recorded {
  const events: Recorded['events'] = [];
  task.onOpen(() => void events.push({ name: 'open', result: {} }));
  task.onMessage(
    (result) => void events.push({ name: 'message', result: result as unknown as Record<string, unknown> }),
  );
  task.onError((result) => void events.push({ name: 'error', result: result as unknown as Record<string, unknown> }));
  task.onClose((result) => void events.push({ name: 'close', result: result as unknown as Record<string, unknown> }));
  return {
    task,
    events,
    names: () => events.map((event) => event.name).join(' '),
    ended: () => events.some((event) => event.name === 'close'),
  };
}

async function ended(run: Recorded): Promise<void> {
  assert.ok(await until(run.ended, { maxMs: 10_000, maxTurns: 1_000_000 }), `the task did not end: ${run.names()}`);
}

function sizeOf(data: unknown): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : (data as ArrayBuffer).byteLength;
}

describe('§0.7/limits: the incoming message size limit', () => {
  test('the default limit is 32 MiB: a message of exactly 32 MiB arrives whole, one byte more ends the connection', async () => {
    assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 32 * MiB);
    const server = await start();
    const run = record(createWx().connectSocket({ url: server.url }) as SocketTask);
    const client = await server.nextConnection();
    await client.send(Buffer.alloc(32 * MiB, 7));
    // The client gives up on this one while it is still being written: the server's write may fail.
    await client.send(Buffer.alloc(32 * MiB + 1, 8)).catch(() => undefined);
    await ended(run);
    assert.equal(run.names(), 'open message error close');
    const data = run.events[1]!.result['data'] as ArrayBuffer;
    assert.ok(data instanceof ArrayBuffer);
    assert.equal(data.byteLength, 32 * MiB);
    assert.equal(new Uint8Array(data)[32 * MiB - 1], 7);
    assert.match(String(run.events[2]!.result['errMsg']), /Max payload size exceeded/);
    assert.deepEqual(run.events[3]!.result, { code: 1006, reason: 'abnormal closure' });
  });

  for (const platform of ['android', 'ios'] as const) {
    test(`${platform}: maxMessageSize counts bytes: the messages before the oversized one arrive in order, then onError, onClose 1006`, async () => {
      const server = await start();
      const run = record(createWx({ platform, maxMessageSize: 1000 }).connectSocket({ url: server.url }) as SocketTask);
      const client = await server.nextConnection();
      await client.send('a'.repeat(1000)); // 1000 bytes: at the limit
      await client.send(new Uint8Array(1000).fill(1)); // binary at the limit
      await client.send('é'.repeat(501)); // 501 characters, 1002 bytes: over
      await client.send('never delivered').catch(() => undefined);
      await ended(run);
      assert.equal(run.names(), 'open message message error close');
      assert.deepEqual(
        run.events.slice(1, 3).map((event) => sizeOf(event.result['data'])),
        [1000, 1000],
      );
      assert.match(String(run.events[3]!.result['errMsg']), /Max payload size exceeded/);
      assert.equal('errCode' in run.events[3]!.result, platform === 'android');
      assert.deepEqual(run.events[4]!.result, { code: 1006, reason: 'abnormal closure' });
      // The client said why, when the close frame made it out before the connection was let go: 1009 (RFC 6455 §7.4.1).
      const seen = await client.waitForClose();
      assert.ok(seen.code === 1009 || seen.code === 1006, `the server saw ${seen.code}`);
    });
  }

  test('a message sent as many fragments, each small, counts whole: over the limit ends the connection', async () => {
    const server = await start();
    const run = record(createWx({ maxMessageSize: 4096 }).connectSocket({ url: server.url }) as SocketTask);
    const client = await server.nextConnection();
    await client.inject({ type: 'fragmented-message', data: new Uint8Array(4096).fill(2), fragments: 8 });
    await client.inject({ type: 'fragmented-message', data: new Uint8Array(4097).fill(3), fragments: 8 });
    await ended(run);
    assert.equal(run.names(), 'open message error close');
    assert.equal(sizeOf(run.events[1]!.result['data']), 4096);
    assert.match(String(run.events[2]!.result['errMsg']), /Max payload size exceeded/);
  });

  test('a compressed frame that inflates beyond the limit (permessage-deflate) ends the connection', async () => {
    const server = await start({ perMessageDeflate: true });
    const run = record(
      createWx({ maxMessageSize: 1 * MiB }).connectSocket({ url: server.url, perMessageDeflate: true }) as SocketTask,
    );
    const client = await server.nextConnection();
    assert.match(client.request.headers['sec-websocket-extensions'] ?? '', /permessage-deflate/);
    await client.send(Buffer.alloc(1 * MiB, 0)); // compresses to about a kilobyte; inflates to exactly the limit
    await client.send(Buffer.alloc(64 * MiB, 0)).catch(() => undefined); // about 64 KiB on the wire, 64 MiB inflated
    await ended(run);
    assert.equal(run.names(), 'open message error close');
    assert.equal(sizeOf(run.events[1]!.result['data']), 1 * MiB);
    assert.match(String(run.events[2]!.result['errMsg']), /Max payload size exceeded/);
  });

  test('a frame announcing more than the limit is refused at its header: the payload is never awaited or buffered', async () => {
    const server = await start();
    const run = record(createWx({ maxMessageSize: 1 * MiB }).connectSocket({ url: server.url }) as SocketTask);
    const client = await server.nextConnection();
    await until(() => run.events.length > 0);
    // 2 GiB announced, not one byte of payload sent: refusing must not wait for it.
    await client.inject({ type: 'oversized-frame', length: 2 ** 31 });
    await ended(run);
    assert.equal(run.names(), 'open error close');
    assert.match(String(run.events[1]!.result['errMsg']), /Max payload size exceeded/);
  });
});
