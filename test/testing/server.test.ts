import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, describe, test } from 'node:test';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import { runWs } from './ws-client.js';

describe('test server: normal behaviour, seen from a plain ws client', () => {
  const servers: TestServer[] = [];
  const start = async (...args: Parameters<typeof createTestServer>): Promise<TestServer> => {
    const server = await createTestServer(...args);
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  test('serves ws on 127.0.0.1 with a port chosen by the system, and no CA to trust', async () => {
    const server = await start();
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server.port > 0);
    assert.equal(server.secure, false);
    assert.deepEqual(server.wxOptions, {});
    assert.equal(server.certificates, undefined);
    const { ws, opened } = runWs(server.url);
    await opened;
    const client = await server.nextConnection();
    assert.equal(client.isOpen, true);
    ws.close();
    assert.deepEqual(await client.waitForClose(), { code: 1005, reason: '' });
  });

  test('serves wss under localhost with a certificate the generated CA signed, handed over in wxOptions', async () => {
    const server = await start({ secure: true });
    assert.match(server.url, /^wss:\/\/localhost:\d+$/);
    const ca = server.certificates?.caPem;
    assert.ok(ca !== undefined);
    assert.deepEqual(server.wxOptions, { tls: { ca: [ca] } });
    const { ws, opened } = runWs(server.url, [], { ca });
    await opened;
    ws.close(1000, 'done');
    assert.deepEqual(await (await server.nextConnection()).waitForClose(), { code: 1000, reason: 'done' });
  });

  test('wss is also valid for 127.0.0.1 and rejected by a client that was not given the CA', async () => {
    const server = await start({ secure: true });
    const ca = server.certificates?.caPem ?? '';
    const good = runWs(`wss://127.0.0.1:${server.port}`, [], { ca });
    await good.opened;
    good.ws.close();
    await good.ended;
    const bad = runWs(server.url);
    const outcome = await bad.ended;
    assert.deepEqual(outcome.events, ['error', 'close']);
    assert.equal(outcome.error?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  test('queues messages in order, text as strings and binary as exact Buffers', async () => {
    const server = await start();
    const { ws, opened } = runWs(server.url);
    await opened;
    ws.send('first');
    ws.send(Buffer.from([0, 1, 2, 255]));
    ws.send('');
    const client = await server.nextConnection();
    assert.deepEqual(await client.nextMessage(), { data: 'first', binary: false });
    assert.deepEqual(await client.nextMessage(), { data: Buffer.from([0, 1, 2, 255]), binary: true });
    assert.deepEqual(await client.nextMessage(), { data: '', binary: false });
    assert.equal(client.messages.length, 3);
    ws.close();
    await client.waitForClose();
  });

  test('nextMessage rejects when the connection closes first, and waits time out', async () => {
    const server = await start();
    const { ws, opened } = runWs(server.url);
    await opened;
    const client = await server.nextConnection();
    await assert.rejects(client.nextMessage({ timeout: 20 }), /Timed out after 20 ms waiting for a message/);
    const pending = client.nextMessage();
    ws.close(4001);
    await assert.rejects(pending, /closed \(code 4001\) before the awaited message/);
  });

  test('sends text and binary to the client and closes with a code and reason', async () => {
    const server = await start();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    await client.send('hello');
    await client.send(new Uint8Array([1, 2, 3]));
    await client.send(new Uint8Array([9, 8, 7, 6]).subarray(1, 3).buffer.slice(1, 3));
    assert.deepEqual(await client.close(4000, 'bye'), { code: 4000, reason: 'bye' });
    const outcome = await run.ended;
    assert.deepEqual(outcome.events, ['open', 'message', 'message', 'message', 'close']);
    assert.deepEqual(outcome.messages, [
      { data: 'hello', binary: false },
      { data: Buffer.from([1, 2, 3]), binary: true },
      { data: Buffer.from([8, 7]), binary: true },
    ]);
    assert.equal(outcome.code, 4000);
    assert.equal(outcome.reason, 'bye');
    await assert.rejects(client.send('late'), /not open/);
  });

  test('records the request headers and offered subprotocols of each handshake', async () => {
    const server = await start();
    const run = runWs(`${server.url}/chat?room=1`, ['mqtt', 'v2'], {
      headers: { 'X-Token': 'abc', Referer: 'https://servicewechat.com/wx1/0/page-frame.html' },
    });
    await run.opened;
    const handshake = await server.nextHandshake();
    assert.equal(handshake.number, 1);
    assert.equal(handshake.connection, 1);
    assert.equal(handshake.url, '/chat?room=1');
    assert.equal(handshake.headers['x-token'], 'abc');
    assert.equal(handshake.headers.referer, 'https://servicewechat.com/wx1/0/page-frame.html');
    assert.deepEqual(handshake.protocols, ['mqtt', 'v2']);
    assert.ok(handshake.rawHeaders.includes('X-Token'));
    const client = await server.nextConnection();
    assert.equal(client.request, handshake);
    assert.equal(client.protocol, 'mqtt');
    run.ws.close();
    await run.ended;
  });

  test('adds response headers and selects the subprotocol as told, or none', async () => {
    const server = await start({
      headers: { 'X-Server': 'test', 'Set-Cookie': 'a=1' },
      selectProtocol: (offered) => (offered.includes('v2') ? 'v2' : false),
    });
    const run = runWs(server.url, ['v1', 'v2']);
    const response = new Promise<Record<string, unknown>>((resolve) =>
      run.ws.once('upgrade', (res) => resolve(res.headers)),
    );
    await run.opened;
    assert.equal((await response)['x-server'], 'test');
    assert.equal(run.ws.protocol, 'v2');
    run.ws.close();
    await run.ended;
    const none = runWs(server.url, ['v1']);
    const outcome = await none.ended;
    assert.deepEqual(outcome.events, ['error', 'close']);
    assert.match(String(outcome.error?.message), /Server sent no subprotocol/);
  });

  test('rejects response headers HTTP forbids', async () => {
    await assert.rejects(createTestServer({ headers: { 'X-Bad': 'a\r\nb' } }), { code: 'ERR_INVALID_CHAR' });
  });

  test('the echo handler answers each message with the same data and type', async () => {
    const server = await start({ handler: echo });
    const run = runWs(server.url);
    await run.opened;
    run.ws.send('ping?');
    run.ws.send(Buffer.from('bytes'));
    const client = await server.nextConnection();
    await client.nextMessage();
    await client.nextMessage();
    await client.close();
    const outcome = await run.ended;
    assert.deepEqual(outcome.messages, [
      { data: 'ping?', binary: false },
      { data: Buffer.from('bytes'), binary: true },
    ]);
  });

  test('counts TCP connections and handshake attempts separately', async () => {
    const server = await start({ fault: ({ number }) => (number === 1 ? { type: 'refuse' } : undefined) });
    const refused = await runWs(server.url).ended;
    assert.deepEqual(refused.events, ['error', 'close']);
    assert.equal(server.connectionCount, 1);
    assert.equal(server.handshakeCount, 0);
    const run = runWs(server.url);
    await run.opened;
    assert.equal(server.connectionCount, 2);
    assert.equal(server.handshakeCount, 1);
    assert.equal((await server.nextHandshake()).connection, 2);
    assert.equal(server.clients.length, 1);
    run.ws.close();
    await (await server.nextConnection()).waitForClose();
    assert.equal(server.clients.length, 0);
  });

  test('setFault changes the behaviour of later connections only', async () => {
    const server = await start();
    const first = runWs(server.url);
    await first.opened;
    server.setFault({ type: 'http-status', status: 503 });
    const second = await runWs(server.url).ended;
    assert.match(String(second.error?.message), /Unexpected server response: 503/);
    server.setFault(undefined);
    const third = runWs(server.url);
    await third.opened;
    assert.equal(server.clients.length, 2);
    first.ws.close();
    third.ws.close();
    await Promise.all([first.ended, third.ended]);
  });

  test('certificate faults need a wss server', async () => {
    await assert.rejects(createTestServer({ fault: { type: 'untrusted-certificate' } }), /needs a wss server/);
    const server = await start();
    assert.throws(() => server.setFault({ type: 'expired-certificate' }), /needs a wss server/);
  });

  test('answers a plain HTTP request with 426 Upgrade Required', async () => {
    const server = await start();
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(response.status, 426);
    assert.equal(response.headers.get('upgrade'), 'websocket');
    await response.text();
  });

  test('close() drops open connections, rejects pending waits and can be called twice', async () => {
    const server = await createTestServer();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    const waiting = assert.rejects(server.nextConnection(), /test server was closed/);
    const closing = server.close();
    assert.equal(server.close(), closing);
    await closing;
    await waiting;
    assert.deepEqual(await client.waitForClose(), { code: 1006, reason: '' });
    assert.equal((await run.ended).code, 1006);
  });
});
