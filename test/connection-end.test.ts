/**
 * How a connection that was open ends (contract §2 event order, §9.3): a close frame makes the close clean whatever
 * the TCP connection does afterwards; without one, a reset (RST) is an error and an end of stream (FIN) is not, and
 * profile `ios` reports the end of stream as SocketRocket does.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { createWx } from '../src/node.js';
import { runTask, type WxEvent } from './testing/wx-run.js';
import { serversClosedAfter } from './helpers/servers.js';

const start = serversClosedAfter();

/** A plain `ws` server on 127.0.0.1 that hands each connection and its TCP socket to `onConnection`. */
async function rawServer(onConnection: (ws: WebSocket, socket: Socket) => void): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise((resolve) => server.close(resolve));
  });
  server.on('connection', (ws, request) => onConnection(ws, request.socket as Socket));
  await new Promise((resolve) => server.once('listening', resolve));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

for (const platform of ['android', 'ios'] as const) {
  const error = (errMsg: string): WxEvent =>
    platform === 'android' ? { event: 'error', errMsg, errCode: 1006 } : { event: 'error', errMsg };

  describe(`${platform}: a close frame received makes the close clean, whatever the TCP connection does next`, () => {
    test('§2 the server closes with 1000 "bye", then resets the connection on the client\'s close frame: onClose 1000 "bye" only', async () => {
      const url = await rawServer((ws, socket) => {
        ws.close(1000, 'bye');
        // The next bytes the client sends are its close frame: answer them with a reset instead of a FIN.
        socket.prependListener('data', () => socket.resetAndDestroy());
      });
      const events = await runTask(createWx({ platform }), { url }).closed;
      assert.deepEqual(events, [{ event: 'open' }, { event: 'close', code: 1000, reason: 'bye' }]);
    });

    test('§2 the server closes with 1000 "bye" while data it never read is in its buffer (so its kernel resets): onClose 1000 "bye" only', async () => {
      let serverSide: { ws: WebSocket; socket: Socket } | undefined;
      const url = await rawServer((ws, socket) => {
        socket.pause(); // nothing the client sends is read from now on
        serverSide = { ws, socket };
      });
      const run = runTask(createWx({ platform }), { url });
      await run.opened;
      await new Promise((resolve) => run.task.send({ data: 'never read', complete: resolve }));
      const { ws, socket } = serverSide!;
      ws.close(1000, 'bye');
      await new Promise((resolve) => socket.write(Buffer.alloc(0), resolve)); // the close frame has left
      socket.destroy(); // unread data: the kernel sends RST, not FIN
      assert.deepEqual(await run.closed, [{ event: 'open' }, { event: 'close', code: 1000, reason: 'bye' }]);
    });

    test('§2 task.close() and then at once server.close(): onClose with the code asked for, no onError', async () => {
      const server = await start();
      const run = runTask(createWx({ platform }), { url: server.url });
      await run.opened;
      await server.nextConnection();
      // The close frame reaches the server before it destroys the connection, unread: its kernel answers with RST.
      void run.task.close({ code: 4001, reason: 'leaving' });
      await server.close();
      assert.deepEqual(await run.closed, [{ event: 'open' }, { event: 'close', code: 4001, reason: 'leaving' }]);
    });
  });

  describe(`${platform}: without a close frame, a reset is an error and an end of stream is not (§9.3)`, () => {
    test(`§9.3 the server ends the TCP stream (FIN) with no close frame: ${platform === 'ios' ? 'onClose 1001 "Stream end encountered"' : 'onClose 1006 only'}`, async () => {
      const server = await start();
      const run = runTask(createWx({ platform }), { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      void run.task.send({ data: 'ping' });
      await client.nextMessage(); // read: nothing is left unread, so the drop is a FIN
      await client.inject({ type: 'drop' });
      const close =
        platform === 'ios'
          ? { event: 'close', code: 1001, reason: 'Stream end encountered' }
          : { event: 'close', code: 1006, reason: 'abnormal closure' };
      assert.deepEqual(await run.closed, [{ event: 'open' }, close]);
    });

    test('§9.3 the server half-closes (FIN, still reading) with no close frame: the same as an end of stream', async () => {
      const server = await start();
      const run = runTask(createWx({ platform }), { url: server.url });
      await run.opened;
      await (await server.nextConnection()).inject({ type: 'half-close' });
      const events = await run.closed;
      assert.deepEqual(
        events.at(-1),
        platform === 'ios'
          ? { event: 'close', code: 1001, reason: 'Stream end encountered' }
          : { event: 'close', code: 1006, reason: 'abnormal closure' },
      );
      assert.equal(events.length, 2, JSON.stringify(events));
    });

    test('§9.3 the server resets the connection (RST) with no close frame: onError, then onClose 1006', async () => {
      let serverSocket: Socket | undefined;
      const url = await rawServer((_ws, socket) => void (serverSocket = socket));
      const run = runTask(createWx({ platform }), { url });
      await run.opened;
      serverSocket!.resetAndDestroy();
      assert.deepEqual(await run.closed, [
        { event: 'open' },
        error('abnormal closure'),
        { event: 'close', code: 1006, reason: 'abnormal closure' },
      ]);
    });
  });
}
