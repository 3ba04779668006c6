// createTestServer({port}): a server started on a closed server's port is the same URL to clients, so a test can
// restart "the" server under a reconnecting client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createReliableSocket, type ReliableSocket, type ReliableSocketEventMap } from '../../src/reliable/index.js';
import { createTestServer, echo } from '../../src/testing/index.js';

function nextEvent<K extends keyof ReliableSocketEventMap>(
  socket: ReliableSocket,
  type: K,
): Promise<ReliableSocketEventMap[K]> {
  return new Promise((resolve) => {
    const off = socket.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}

test('a server started on the port of a closed one has the same URL, and a reliable socket reconnects to it', async () => {
  const first = await createTestServer();
  const socket = createReliableSocket(createWx(), { url: first.url, reconnect: { initialDelay: 10, jitter: 0 } });
  let second: Awaited<ReturnType<typeof createTestServer>> | undefined;
  try {
    await nextEvent(socket, 'open');
    const lost = nextEvent(socket, 'close');
    await first.close();
    assert.equal((await lost).code, 1006);
    const reopened = nextEvent(socket, 'open');
    second = await createTestServer({ port: first.port, handler: echo });
    assert.equal(second.url, first.url);
    assert.equal((await reopened).reconnected, true);
    const echoed = nextEvent(socket, 'message');
    socket.send('after the restart');
    assert.equal((await echoed).data, 'after the restart');
    assert.equal(second.connectionCount >= 1, true);
  } finally {
    socket.close();
    await first.close();
    await second?.close();
  }
});

test('a port in use is refused with the system error', async () => {
  const running = await createTestServer();
  try {
    await assert.rejects(createTestServer({ port: running.port }), { code: 'EADDRINUSE' });
  } finally {
    await running.close();
  }
});

test('a port that is not a whole number from 0 to 65535 is refused', async () => {
  for (const port of [-1, 65536, 1.5, '8080']) {
    await assert.rejects(createTestServer({ port: port as number }), {
      name: 'TypeError',
      message: 'createTestServer: port must be a whole number from 0 to 65535',
    });
  }
});
