// Every fault of the catalogue, checked with a plain `ws` client: the bytes on the wire produce the failure the
// fault names. The wx-level outcomes are in wx-faults.test.ts.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { type ConnectionFault, type HandshakeFault } from '../../src/testing/index.js';
import { runWs } from './ws-client.js';
import { serversClosedAfter } from '../helpers/servers.js';

const start = serversClosedAfter();

describe('handshake faults fail the opening handshake', () => {
  const cases: Array<{ fault: HandshakeFault; secure?: boolean; protocols?: string[]; error: RegExp | string }> = [
    { fault: { type: 'refuse' }, error: 'ECONNRESET' },
    { fault: { type: 'http-status', status: 403 }, error: /Unexpected server response: 403/ },
    {
      fault: { type: 'http-status', status: 301, headers: { Location: 'ws://127.0.0.1:1/' } },
      error: /Unexpected server response: 301/,
    },
    { fault: { type: 'bad-accept' }, error: /Invalid Sec-WebSocket-Accept header/ },
    { fault: { type: 'unrequested-protocol' }, error: /Server sent a subprotocol but none was requested/ },
    {
      fault: { type: 'unrequested-protocol', protocol: 'v9' },
      protocols: ['v1'],
      error: /Server sent an invalid subprotocol/,
    },
    { fault: { type: 'unrequested-extension' }, error: /Server indicated an extension that was not requested/ },
    { fault: { type: 'expired-certificate' }, secure: true, error: 'CERT_HAS_EXPIRED' },
    { fault: { type: 'wrong-host-certificate' }, secure: true, error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    { fault: { type: 'untrusted-certificate' }, secure: true, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
  ];
  for (const { fault, secure, protocols, error } of cases) {
    test(`${JSON.stringify(fault)}: error, then close 1006, never open`, async () => {
      const server = await start({ secure: secure === true, fault });
      const outcome = await runWs(server.url, protocols, { ca: server.certificates?.caPem ?? [] }).ended;
      assert.deepEqual(outcome.events, ['error', 'close']);
      assert.equal(outcome.code, 1006);
      if (typeof error === 'string') assert.equal(outcome.error?.code, error);
      else assert.match(String(outcome.error?.message), error);
      assert.equal(server.connectionCount, 1);
      assert.equal(server.handshakeCount, fault.type === 'refuse' || secure === true ? 0 : 1);
    });
  }

  test('no-upgrade-response: the request arrives and is never answered', async () => {
    const server = await start({ fault: { type: 'no-upgrade-response' } });
    const run = runWs(server.url, [], { handshakeTimeout: 50 });
    const handshake = await server.nextHandshake();
    assert.equal(handshake.number, 1);
    const outcome = await run.ended;
    assert.deepEqual(outcome.events, ['error', 'close']);
    assert.match(String(outcome.error?.message), /Opening handshake has timed out/);
    assert.equal(server.clients.length, 0);
  });

  test('slow-upgrade-response: the upgrade is answered after the delay, then all is normal', async () => {
    const server = await start({ fault: { type: 'slow-upgrade-response', delay: 60 } });
    const started = Date.now();
    const run = runWs(server.url);
    await run.opened;
    assert.ok(Date.now() - started >= 55, 'opened before the delay');
    run.ws.send('after the wait');
    const client = await server.nextConnection();
    assert.deepEqual(await client.nextMessage(), { data: 'after the wait', binary: false });
    run.ws.close();
    await run.ended;
  });

  test('slow-upgrade-response: a client giving up first gets its own timeout', async () => {
    const server = await start({ fault: { type: 'slow-upgrade-response', delay: 5000 } });
    const outcome = await runWs(server.url, [], { handshakeTimeout: 30 }).ended;
    assert.match(String(outcome.error?.message), /Opening handshake has timed out/);
  });
});

describe('connection faults break an open connection', () => {
  const cases: Array<{ fault: ConnectionFault; error: RegExp | undefined }> = [
    { fault: { type: 'drop' }, error: undefined },
    // ws swallows socket errors after open (ECONNRESET included): a reset looks like a drop.
    { fault: { type: 'drop', reset: true }, error: undefined },
    { fault: { type: 'half-close' }, error: undefined },
    { fault: { type: 'invalid-utf8' }, error: /Invalid UTF-8 sequence/i },
    { fault: { type: 'reserved-bits' }, error: /RSV1 must be clear/ },
    { fault: { type: 'reserved-bits', bit: 2 }, error: /RSV2 and RSV3 must be clear/ },
    { fault: { type: 'reserved-bits', bit: 3 }, error: /RSV2 and RSV3 must be clear/ },
    { fault: { type: 'unknown-opcode' }, error: /invalid opcode 3/i },
    { fault: { type: 'unknown-opcode', opcode: 0xb }, error: /invalid opcode 11/i },
    { fault: { type: 'fragmented-control' }, error: /FIN must be set/ },
    { fault: { type: 'oversized-control' }, error: /invalid payload length 126/i },
    { fault: { type: 'oversized-frame' }, error: /payload length > 2\^53 - 1/ },
    { fault: { type: 'invalid-close-code' }, error: /invalid status code 1005/i },
    { fault: { type: 'invalid-close-code', code: 999 }, error: /invalid status code 999/i },
    { fault: { type: 'long-close-reason' }, error: /invalid payload length 126/i },
    { fault: { type: 'masked-frame' }, error: /MASK must be clear/ },
    { fault: { type: 'unexpected-continuation' }, error: /invalid opcode 0/i },
  ];
  for (const secure of [false, true]) {
    for (const { fault, error } of cases) {
      test(`${secure ? 'wss' : 'ws'} ${JSON.stringify(fault)}: open, ${error === undefined ? '' : 'error, '}close 1006`, async () => {
        const server = await start({ secure });
        const run = runWs(server.url, [], { ca: server.certificates?.caPem ?? [] });
        await run.opened;
        const client = await server.nextConnection();
        await client.inject(fault);
        const outcome = await run.ended;
        assert.deepEqual(outcome.events, error === undefined ? ['open', 'close'] : ['open', 'error', 'close']);
        assert.equal(outcome.code, 1006);
        if (error !== undefined) assert.match(String(outcome.error?.message), error);
        await client.waitForClose();
      });
    }
  }

  test('oversized-frame with a length the client accepts: the payload follows, the limit decides', async () => {
    const server = await start();
    const run = runWs(server.url, [], { maxPayload: 1000 });
    await run.opened;
    await (await server.nextConnection()).inject({ type: 'oversized-frame', length: 1001 });
    const outcome = await run.ended;
    assert.match(String(outcome.error?.message), /Max payload size exceeded/);
    const fits = runWs(server.url, [], { maxPayload: 1000 });
    await fits.opened;
    const client = await server.nextConnection();
    await client.inject({ type: 'oversized-frame', length: 1000 });
    await client.close();
    const ok = await fits.ended;
    assert.deepEqual(ok.events, ['open', 'message', 'close']);
    assert.deepEqual(ok.messages[0]?.data, Buffer.alloc(1000, 'o'));
  });

  test('a connection fault set on the server is injected right after every open', async () => {
    const server = await start({ fault: { type: 'invalid-utf8' } });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const outcome = await runWs(server.url).ended;
      assert.deepEqual(outcome.events, ['open', 'error', 'close']);
    }
    assert.equal(server.handshakeCount, 2);
  });

  test('after a protocol error the client answers with close 1002 when it still can', async () => {
    const server = await start();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    await client.inject({ type: 'unknown-opcode' });
    assert.deepEqual(await client.waitForClose(), { code: 1002, reason: '' });
    await run.ended;
  });
});

describe('faults that are not violations: the client must cope', () => {
  for (const data of [undefined, 'a', Buffer.from([1, 2, 3, 4, 5, 6, 7]), '€'.repeat(10)]) {
    test(`fragmented-message ${JSON.stringify(data)}: one message, reassembled exactly`, async () => {
      const server = await start();
      const run = runWs(server.url);
      await run.opened;
      const client = await server.nextConnection();
      await client.inject(
        data === undefined ? { type: 'fragmented-message' } : { type: 'fragmented-message', data, fragments: 4 },
      );
      await client.close();
      const outcome = await run.ended;
      assert.deepEqual(outcome.events, ['open', 'message', 'close']);
      const expected = data ?? 'fragmented message: 你好, wxsocket 🌏';
      assert.deepEqual(outcome.messages, [{ data: expected, binary: typeof expected !== 'string' }]);
    });
  }

  test('ping-flood within what ws tolerates: every ping is answered with a pong and the connection survives', async () => {
    const server = await start();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    await client.inject({ type: 'ping-flood', count: 60 });
    await client.waitForPongs(60);
    assert.equal(client.pongCount, 60);
    assert.equal(client.isOpen, true);
    run.ws.send('still here');
    assert.deepEqual(await client.nextMessage(), { data: 'still here', binary: false });
    await client.close();
  });

  test('ping-flood beyond 60 pending pongs: ws defends itself by dropping the connection, with no error', async () => {
    const server = await start();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    await client.inject({ type: 'ping-flood' });
    const outcome = await run.ended;
    assert.deepEqual(outcome.events, ['open', 'close']);
    assert.equal(outcome.code, 1006);
    await assert.rejects(client.waitForPongs(1000), /closed after \d+ of 1000 pongs/);
  });

  test("slow-reader: the client's sends back up until the server reads again, and nothing is lost", async () => {
    const server = await start();
    const run = runWs(server.url);
    await run.opened;
    const client = await server.nextConnection();
    await client.inject({ type: 'slow-reader' });
    const chunk = Buffer.alloc(256 * 1024, 7);
    let sent = 0;
    // Bounded: stop once the client is holding data it could not hand to the kernel.
    for (let index = 0; index < 400 && run.ws.bufferedAmount === 0; index += 1) {
      run.ws.send(chunk);
      sent += 1;
    }
    assert.ok(run.ws.bufferedAmount > 0, 'the client never backed up');
    assert.equal(client.messages.length, 0);
    client.resume();
    for (let index = 0; index < sent; index += 1) assert.equal((await client.nextMessage()).data.length, chunk.length);
    assert.equal(run.ws.bufferedAmount, 0);
    await client.close();
  });
});
