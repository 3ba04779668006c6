// The tests of examples/node-test/chat.test.js, with jest in CommonJS mode (no transform), on the same module.
// Run from the repository root: node scripts/examples.mjs jest (it packs wxsocket and installs the tarball).
const { EventEmitter, once } = require('node:events');
const { installWx } = require('wxsocket');
const { createTestServer, echo } = require('wxsocket/testing');
const chat = require('../node-test/chat.cjs');

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
/** The global `wx` of the setup file, as this file saw it when it loaded. */
const wxAtLoad = globalThis.wx;

// Undone after each test, last first: uninstall our `wx` (back to the setup file's), then close the server.
const cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts a server, installs a global `wx` trusting it, and creates the chat. */
async function setUp(platform, serverOptions = {}) {
  const server = await createTestServer({ secure: true, hostname: HOST, ...serverOptions });
  cleanups.push(() => server.close());
  const installed = installWx({ platform, domains: [HOST], ...server.wxOptions });
  cleanups.push(installed.uninstall);
  // The chat's hooks as events, so a test can await them.
  const events = new EventEmitter();
  const client = chat.createChat(server.url, {
    onMessage: (message) => events.emit('message', message),
    onStatus: (status, detail) => events.emit(status, detail),
  });
  return { server, events, client, wx: installed.wx };
}

test('the setup file installed a global wx before this file loaded', () => {
  expect(typeof wxAtLoad.connectSocket).toBe('function');
  expect(globalThis.wx).toBe(wxAtLoad);
});

describe.each(['android', 'ios'])('chat on %s', (platform) => {
  test('messages said before the socket opens are sent once it opens, in order', async () => {
    const { server, client } = await setUp(platform);
    client.say('first');
    client.say('second');
    const connection = await server.nextConnection();
    expect(connection.request.headers['x-chat-version']).toBe('1');
    expect(JSON.parse((await connection.nextMessage()).data)).toEqual({ type: 'say', text: 'first' });
    expect(JSON.parse((await connection.nextMessage()).data)).toEqual({ type: 'say', text: 'second' });
  });

  test('messages from the server reach onMessage', async () => {
    const { server, events, client } = await setUp(platform, { handler: echo });
    await once(events, 'open');
    const receiving = once(events, 'message');
    client.say('echo me');
    expect((await receiving)[0]).toEqual({ type: 'say', text: 'echo me' });
    expect(server.handshakeCount).toBe(1);
  });

  test('leaving closes the socket with 1000 "bye"', async () => {
    const { server, events, client } = await setUp(platform);
    await once(events, 'open');
    const connection = await server.nextConnection();
    const closing = once(events, 'closed');
    client.leave();
    expect(await connection.waitForClose()).toEqual({ code: 1000, reason: 'bye' });
    expect((await closing)[0]).toEqual({ code: 1000, reason: 'bye' });
  });

  test('a server that refuses the upgrade (403) is reported as an error, then a 1006 close', async () => {
    const { events } = await setUp(platform, { fault: { type: 'http-status', status: 403 } });
    const closing = once(events, 'closed');
    const [errMsg] = await once(events, 'failed');
    expect(errMsg).toBe(EXPECTED[platform].http);
    expect((await closing)[0]).toEqual({ code: 1006, reason: 'abnormal closure' });
  });

  test('an expired server certificate fails the connection', async () => {
    const { events } = await setUp(platform, { fault: { type: 'expired-certificate' } });
    const [errMsg] = await once(events, 'failed');
    expect(errMsg).toBe(EXPECTED[platform].tls);
  });

  test('a dropped connection is reported as a close (1006; 1001 on ios)', async () => {
    const { server, events } = await setUp(platform);
    await once(events, 'open');
    const closing = once(events, 'closed');
    await (await server.nextConnection()).inject({ type: 'drop' });
    expect((await closing)[0]).toEqual(EXPECTED[platform].dropped);
  });

  test("binary messages arrive as ArrayBuffers of the test file's realm (jest's sandbox)", async () => {
    const { server, wx } = await setUp(platform, { handler: echo });
    const task = wx.connectSocket({ url: server.url });
    await new Promise((resolve) => task.onOpen(resolve));
    const receiving = new Promise((resolve) => task.onMessage(resolve));
    task.send({ data: new Uint8Array([1, 2, 3]).buffer });
    const { data } = await receiving;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data)]).toEqual([1, 2, 3]);
    const closing = new Promise((resolve) => task.onClose(resolve));
    task.close({});
    await closing;
  });
});
