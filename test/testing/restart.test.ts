// createTestServer({port}): a server started on a closed server's port is the same URL to clients, and for wss the
// same CA and certificate, so a test can restart "the" server under a reconnecting client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createReliableSocket, type ReliableSocket } from '../../src/reliable/index.js';
import { nextEvent } from '../helpers/reliable-events.js';
import { openFailure } from '../../src/errmsg.js';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import { runTask } from './wx-run.js';

/** Once `socket` is open, closes `server` under it: the socket reports the loss as a close with 1006. */
async function loseServer(socket: ReliableSocket, server: TestServer): Promise<void> {
  await nextEvent(socket, 'open');
  const lost = nextEvent(socket, 'close');
  await server.close();
  assert.equal((await lost).code, 1006);
}

/** Sends `text` on `socket` and checks that the (echo) server sends it back. */
async function assertEchoed(socket: ReliableSocket, text: string): Promise<void> {
  const echoed = nextEvent(socket, 'message');
  socket.send(text);
  assert.equal((await echoed).data, text);
}

test('a server started on the port of a closed one has the same URL, and a reliable socket reconnects to it', async () => {
  const first = await createTestServer();
  const socket = createReliableSocket(createWx(), { url: first.url, reconnect: { initialDelay: 10, jitter: 0 } });
  let second: TestServer | undefined;
  try {
    await loseServer(socket, first);
    const reopened = nextEvent(socket, 'open');
    second = await createTestServer({ port: first.port, handler: echo });
    assert.equal(second.url, first.url);
    assert.equal((await reopened).reconnected, true);
    await assertEchoed(socket, 'after the restart');
    assert.equal(second.connectionCount >= 1, true);
  } finally {
    socket.close();
    await first.close();
    await second?.close();
  }
});

test('a wss server started on the port of a closed one keeps its CA and certificate: a wx made before trusts it', async () => {
  const first = await createTestServer({ secure: true, handler: echo });
  let second: TestServer | undefined;
  try {
    const wx = createWx({ ...first.wxOptions });
    const before = runTask(wx, { url: first.url });
    await before.opened;
    await first.close();
    assert.deepEqual((await before.closed).at(-1), { event: 'close', code: 1006, reason: 'abnormal closure' });
    second = await createTestServer({ secure: true, port: first.port, handler: echo });
    assert.deepEqual(second.certificates, first.certificates);
    assert.deepEqual(second.wxOptions, first.wxOptions);
    // The same wx, trusting only the first server's CA besides the system's, opens a new connection and is echoed.
    const after = runTask(wx, { url: second.url });
    await after.opened;
    void after.task.send({ data: 'after the restart' });
    assert.equal((await (await second.nextConnection()).nextMessage()).data, 'after the restart');
    void after.task.close({ code: 1000 });
    assert.deepEqual(
      (await after.closed).map((event) => event.event),
      ['open', 'message', 'close'],
    );
  } finally {
    await first.close();
    await second?.close();
  }
});

test('a reliable socket over wss reconnects to the restarted server with the trust it was made with', async () => {
  const first = await createTestServer({ secure: true });
  // android: its failure texts tell a TLS failure (code 8) from a refused connection while the server is down.
  const wx = createWx({ platform: 'android', ...first.wxOptions });
  const socket = createReliableSocket(wx, { url: first.url, reconnect: { initialDelay: 10, jitter: 0 } });
  let second: TestServer | undefined;
  try {
    await loseServer(socket, first);
    // The first of: the reconnection, or an attempt refused because the restarted server's certificate is not trusted.
    const outcome = new Promise<string>((resolve) => {
      const settle = (result: string): void => {
        offOpen();
        offError();
        resolve(result);
      };
      const offOpen = socket.on('open', () => settle('open'));
      const offError = socket.on('error', ({ errMsg }) => {
        if (errMsg === openFailure('tls', true)) settle(errMsg);
      });
    });
    second = await createTestServer({ secure: true, port: first.port, handler: echo });
    assert.equal(await outcome, 'open');
    await assertEchoed(socket, 'after the restart');
  } finally {
    socket.close();
    await first.close();
    await second?.close();
  }
});

test('a wss server started on a new port, or with another hostname, does not reuse a server certificate', async () => {
  const first = await createTestServer({ secure: true });
  await first.close();
  const elsewhere = await createTestServer({ secure: true });
  const renamed = await createTestServer({ secure: true, port: first.port, hostname: 'chat.example.test' });
  try {
    assert.notEqual(elsewhere.certificates?.caPem, first.certificates?.caPem);
    // Same port: the same CA, which the first server's clients trust, signing a certificate for the new name.
    assert.equal(renamed.certificates?.caPem, first.certificates?.caPem);
    assert.notEqual(renamed.certificates?.certPem, first.certificates?.certPem);
    // The renamed server's transport (its host name resolved), the first server's trust only (its `tls` comes last).
    const wx = createWx({ domains: ['chat.example.test'], ...renamed.wxOptions, ...first.wxOptions });
    const run = runTask(wx, { url: renamed.url });
    await run.opened;
    void run.task.close({ code: 1000 });
    await run.closed;
  } finally {
    await elsewhere.close();
    await renamed.close();
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
