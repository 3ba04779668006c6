// Tests for chat.cjs with node:test, against a real local wss server from wxsocket/testing.
// Run: npm run build && node --test examples/node-test/
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { describe, test } from 'node:test';
import { installWx } from 'wxsocket';
import { createTestServer, echo } from 'wxsocket/testing';
import chat from './chat.cjs';

const HOST = 'chat.example.test';

// What WeChat reports, per platform: android (from base library 3.0.0 on; the default is the newest) uses the
// binding's handshake texts and tells a TLS failure apart; ios reports a server's plain TCP close as 1001.
const EXPECTED = {
  android: {
    http: 'open fail: _code:20,_msg:Invalid HTTP status.',
    tls: 'open fail: _code:8,_msg:TLS handshake failed',
    dropped: { code: 1006, reason: 'abnormal closure' },
  },
  ios: {
    http: 'exception onOpen fail code:20, msg:Invalid HTTP status.',
    tls: 'exception onOpen fail code:2, msg:Underlying Transport Error',
    dropped: { code: 1001, reason: 'Stream end encountered' },
  },
};

/** Starts a server, installs a global `wx` trusting it, and undoes both after the test. */
async function setUp(t, platform, serverOptions = {}) {
  const server = await createTestServer({ secure: true, hostname: HOST, ...serverOptions });
  const { uninstall } = installWx({ platform, domains: [HOST], ...server.wxOptions });
  t.after(async () => {
    uninstall();
    await server.close();
  });
  // The chat's hooks as events, so a test can await them (its statuses: 'open', 'failed', 'closed').
  const events = new EventEmitter();
  const client = chat.createChat(server.url, {
    onMessage: (message) => events.emit('message', message),
    onStatus: (status, detail) => events.emit(status, detail),
  });
  return { server, events, client };
}

for (const platform of ['android', 'ios']) {
  describe(`chat on ${platform}`, () => {
    test('messages said before the socket opens are sent once it opens, in order', async (t) => {
      const { server, client } = await setUp(t, platform);
      client.say('first');
      client.say('second');
      const connection = await server.nextConnection();
      assert.equal(connection.request.headers['x-chat-version'], '1');
      assert.deepEqual(JSON.parse((await connection.nextMessage()).data), { type: 'say', text: 'first' });
      assert.deepEqual(JSON.parse((await connection.nextMessage()).data), { type: 'say', text: 'second' });
    });

    test('messages from the server reach onMessage', async (t) => {
      const { server, events, client } = await setUp(t, platform, { handler: echo });
      await once(events, 'open');
      client.say('echo me');
      const [message] = await once(events, 'message');
      assert.deepEqual(message, { type: 'say', text: 'echo me' });
      assert.equal(server.handshakeCount, 1);
    });

    test('leaving closes the socket with 1000 "bye"', async (t) => {
      const { server, events, client } = await setUp(t, platform);
      await once(events, 'open');
      const connection = await server.nextConnection();
      // Start listening before acting: an EventEmitter does not keep events for late listeners.
      const closing = once(events, 'closed');
      client.leave();
      assert.deepEqual(await connection.waitForClose(), { code: 1000, reason: 'bye' });
      assert.deepEqual((await closing)[0], { code: 1000, reason: 'bye' });
    });

    test('a server that refuses the upgrade (403) is reported as an error, then a 1006 close', async (t) => {
      const { events } = await setUp(t, platform, { fault: { type: 'http-status', status: 403 } });
      const closing = once(events, 'closed');
      const [errMsg] = await once(events, 'failed');
      assert.equal(errMsg, EXPECTED[platform].http);
      assert.deepEqual((await closing)[0], { code: 1006, reason: 'abnormal closure' });
    });

    test('an expired server certificate fails the connection', async (t) => {
      const { events } = await setUp(t, platform, { fault: { type: 'expired-certificate' } });
      const [errMsg] = await once(events, 'failed');
      assert.equal(errMsg, EXPECTED[platform].tls);
    });

    test('a dropped connection is reported as a close (1006; 1001 on ios)', async (t) => {
      const { server, events } = await setUp(t, platform);
      await once(events, 'open');
      const closing = once(events, 'closed');
      await (await server.nextConnection()).inject({ type: 'drop' });
      assert.deepEqual((await closing)[0], EXPECTED[platform].dropped);
    });
  });
}
