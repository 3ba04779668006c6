// close() releases everything, from every state: the task (closed, its onClose received), every timer, the app
// event listeners, the queue, and the socket's own listeners; nothing is emitted after the final close.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createReliableSocket, type ReliableSocket } from '../../src/reliable/index.js';
import { echo, type Fault, type TestServer } from '../../src/testing/index.js';
import { EventLog, ManualTimers, TrackedWx } from './helpers.js';
import { serversClosedAfter } from '../helpers/servers.js';
import { turn } from '../helpers/leaks.js';

const start = serversClosedAfter();

const heartbeat = { message: 'ping', interval: 1000, timeout: 3000 } as const;

async function setUp(fault?: Fault) {
  const server = await start({ handler: echo, ...(fault !== undefined && { fault }) });
  const wx = new TrackedWx(createWx(), { appEvents: true });
  const timers = new ManualTimers();
  const socket = createReliableSocket(wx, {
    url: server.url,
    heartbeat,
    reconnect: { initialDelay: 100, jitter: 0 },
    timers,
  });
  return { server, wx, timers, socket, log: new EventLog(socket) };
}

/** Checks everything is released; call once the final close has been seen. */
async function assertReleased(
  socket: ReliableSocket,
  log: EventLog,
  wx: TrackedWx,
  timers: ManualTimers,
  server: TestServer,
): Promise<void> {
  assert.equal(socket.state, 'closed');
  assert.equal(wx.alive, 0, 'no task alive');
  assert.equal(wx.maxAlive <= 1, true, 'never more than one task alive');
  assert.deepEqual(timers.pending, [], 'no timer left');
  assert.equal(wx.hideListeners.size + wx.showListeners.size, 0, 'app listeners removed');
  assert.equal(socket.queued, 0);
  assert.equal(socket.send('late'), 'dropped');
  const count = log.events.length;
  socket.close(); // a second close does nothing
  socket.pause();
  socket.resume();
  socket.reconnect();
  assert.equal(log.events.length, count, 'nothing emitted after the final close');
  assert.equal(wx.tasks.length, wx.connectOptions.length);
  for (const client of server.clients) await client.waitForClose();
  assert.equal(server.clients.length, 0, 'the server saw every connection end');
}

describe('close() releases everything', () => {
  test('while connecting: the handshake is abandoned and its onClose awaited', async () => {
    const { server, wx, timers, socket, log } = await setUp({ type: 'slow-upgrade-response', delay: 10_000 });
    await server.nextHandshake();
    socket.send('queued');
    socket.close(4100, 'bye');
    assert.equal(socket.state, 'closing');
    assert.deepEqual(await log.final(), { code: 4100, reason: 'bye', final: true });
    assert.deepEqual(log.all('drop'), [{ data: 'queued', reason: 'closed' }]);
    await assertReleased(socket, log, wx, timers, server);
  });

  test('while open, with heartbeats running: the server gets the close frame', async () => {
    const { server, wx, timers, socket, log } = await setUp();
    const client = await server.nextConnection();
    await log.next('open');
    timers.fire(1000); // a heartbeat, so its timers are running
    socket.close(1000, 'done');
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: 'done' });
    assert.deepEqual(await log.final(), { code: 1000, reason: 'done', final: true });
    await assertReleased(socket, log, wx, timers, server);
  });

  test('while waiting: the pending attempt is cancelled and the final close comes before close() returns', async () => {
    const { server, wx, timers, socket, log } = await setUp({ type: 'refuse' });
    await log.next('reconnecting');
    socket.close();
    assert.deepEqual(log.events.at(-1), { type: 'close', event: { code: 1000, reason: '', final: true } });
    await log.final();
    await assertReleased(socket, log, wx, timers, server);
  });

  test('while paused', async () => {
    const { server, wx, timers, socket, log } = await setUp();
    await log.next('open');
    wx.hide();
    await log.next('close');
    socket.close();
    await log.final();
    await assertReleased(socket, log, wx, timers, server);
  });
});

describe('with the real global timers', () => {
  test('no timer of the socket is left behind after close()', async () => {
    const server = await start({ handler: echo });
    const baseline = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const socket = createReliableSocket(createWx(), {
      url: server.url,
      heartbeat: { message: 'ping', interval: 5, timeout: 1000 },
    });
    const log = new EventLog(socket);
    await log.next('open');
    for (let i = 0; i < 3; i++) await log.next('message'); // three echoed heartbeats: the timers really run
    socket.close();
    await log.final();
    await turn();
    assert.equal(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length, baseline);
  });
});
