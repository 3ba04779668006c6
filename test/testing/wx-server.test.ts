// The test server from a wx client's point of view: wxOptions in one spread, a host name for the domain check,
// handshake inspection, response headers and subprotocols, and no handle left behind.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createTestServer, echo } from '../../src/testing/index.js';
import { activeResources, leaked, turn } from '../helpers/leaks.js';
import { runTask } from './wx-run.js';

for (const platform of ['android', 'ios'] as const) {
  test(`${platform}: §5 a wss server with a hostname passes the domain check with createWx({domains, ...server.wxOptions})`, async () => {
    const server = await createTestServer({ secure: true, hostname: 'chat.example.test', handler: echo });
    try {
      assert.match(server.url, /^wss:\/\/chat\.example\.test:\d+$/);
      const wx = createWx({
        platform,
        domains: ['chat.example.test'],
        appId: 'wx0123456789abcdef',
        appVersion: '0',
        ...server.wxOptions,
      });
      const run = runTask(wx, { url: `${server.url}/room/1`, header: { 'X-Token': 't0k' } });
      await run.opened;
      const client = await server.nextConnection();
      assert.equal(client.request.url, '/room/1');
      assert.equal(client.request.headers['x-token'], 't0k');
      assert.equal(client.request.headers.referer, 'https://servicewechat.com/wx0123456789abcdef/0/page-frame.html');
      assert.equal(client.request.headers.host, `chat.example.test:${server.port}`);
      void run.task.send({ data: 'hello' });
      void run.task.send({ data: new Uint8Array([1, 2, 3]).buffer });
      await client.nextMessage();
      await client.nextMessage();
      void run.task.close({ code: 1000, reason: 'done' });
      const events = await run.closed;
      assert.deepEqual(
        events.map((event) => event.event),
        ['open', 'message', 'message', 'close'],
      );
      const binary = events[2] as { data: ArrayBuffer };
      assert.deepEqual(Buffer.from(binary.data), Buffer.from([1, 2, 3]));
    } finally {
      await server.close();
    }
  });

  test(`${platform}: §2 onOpen reports the server's response headers and the selected subprotocol`, async () => {
    const server = await createTestServer({
      headers: { 'X-Server': 'wxsocket-test' },
      selectProtocol: (offered) => offered.at(-1),
    });
    try {
      const wx = createWx({ platform });
      const task = wx.connectSocket({ url: server.url, protocols: ['v1', 'v2'] });
      const header = await new Promise<Record<string, string>>((resolve) =>
        task.onOpen((result) => resolve(result.header)),
      );
      assert.equal(header['X-Server'], 'wxsocket-test');
      assert.equal(header['Sec-WebSocket-Protocol'], 'v2');
      const client = await server.nextConnection();
      assert.equal(client.protocol, 'v2');
      assert.deepEqual(client.request.protocols, ['v1', 'v2']);
      void task.close({});
      await client.waitForClose();
    } finally {
      await server.close();
    }
  });

  test(`${platform}: §6 reconnecting from onClose: the server counts every TCP connection and handshake`, async () => {
    // Connections 1 and 2 are refused, 3 opens: a reconnect loop driven by onClose, as MQTT clients do.
    const server = await createTestServer({ fault: ({ number }) => (number <= 2 ? { type: 'refuse' } : undefined) });
    try {
      const wx = createWx({ platform });
      const outcomes: string[] = [];
      const opened = new Promise<void>((resolve) => {
        const connect = (): void => {
          const task = wx.connectSocket({ url: server.url });
          task.onOpen(() => {
            outcomes.push('open');
            resolve();
          });
          task.onError(() => outcomes.push('error'));
          task.onClose(() => {
            outcomes.push('close');
            if (outcomes.length < 10 && !outcomes.includes('open')) connect();
          });
        };
        connect();
      });
      await opened;
      assert.deepEqual(outcomes, ['error', 'close', 'error', 'close', 'open']);
      assert.equal(server.connectionCount, 3);
      assert.equal(server.handshakeCount, 1);
      (await server.nextConnection()).terminate();
    } finally {
      await server.close();
    }
  });
}

test('close() after the wx sockets closed: the process has exactly the handles it had before', async () => {
  const before = activeResources();
  const server = await createTestServer({ secure: true, hostname: 'leak.example.test', handler: echo });
  const stalled = await createTestServer({ fault: { type: 'no-upgrade-response' } });
  const wx = createWx({ domains: ['leak.example.test'], ...server.wxOptions });
  const run = runTask(wx, { url: server.url });
  const hanging = runTask(createWx(), { url: stalled.url, timeout: 60_000 });
  await run.opened;
  void run.task.send({ data: 'echo me' });
  await (await server.nextConnection()).nextMessage();
  await stalled.nextHandshake();
  void run.task.close({});
  void hanging.task.close({});
  await Promise.all([run.closed, hanging.closed]);
  await Promise.all([server.close(), stalled.close()]);
  // One turn of the loop for the immediates Node queues while tearing sockets down (callbacks, not handles).
  await turn();
  assert.deepEqual(leaked(before), []);
});
