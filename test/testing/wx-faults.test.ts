// The wx-level outcome of every fault of the test kit, on both platform profiles: which events, in which order,
// with which errMsg/errCode/code/reason (contract §2 "Events and payloads", "Event order", handshake failure texts).
// docs/testing.md documents the same table.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createTestServer, type ConnectionFault, type HandshakeFault } from '../../src/testing/index.js';
import { runTask, type WxEvent } from './wx-run.js';
import { openFailure } from '../conformance/recorder.js';
import { serversClosedAfter } from '../helpers/servers.js';

const ABNORMAL = { event: 'close', code: 1006, reason: 'abnormal closure' } as const;
const STREAM_END = { event: 'close', code: 1001, reason: 'Stream end encountered' } as const;

const start = serversClosedAfter();

for (const platform of ['android', 'ios'] as const) {
  /** onError as the profile reports it: errCode only on android (§2). */
  const error = (errMsg: string, errCode: number): WxEvent =>
    platform === 'android' ? { event: 'error', errMsg, errCode } : { event: 'error', errMsg };
  // The default base library (newest): android reports the binding's texts (§9.2).
  const profile = { platform, atLeast: () => true };
  const TIMEOUT = openFailure(profile, 9);
  const TRANSPORT = openFailure(profile, 2);
  const TLS = openFailure(profile, 8);
  const HTTP = openFailure(profile, 20);
  /** An end of stream without a close frame (§9.3). */
  const STREAM_ENDED = platform === 'ios' ? STREAM_END : ABNORMAL;

  describe(`${platform}: handshake faults give onError with the §2 handshake text, then onClose 1006, never onOpen`, () => {
    const cases: Array<{
      fault: HandshakeFault;
      errMsg: string;
      secure?: boolean;
      protocols?: string[];
      timeout?: number;
    }> = [
      { fault: { type: 'refuse' }, errMsg: TRANSPORT },
      { fault: { type: 'http-status', status: 403 }, errMsg: HTTP },
      { fault: { type: 'http-status', status: 500 }, errMsg: HTTP },
      { fault: { type: 'http-status', status: 301, headers: { Location: 'ws://127.0.0.1:1/' } }, errMsg: HTTP },
      { fault: { type: 'bad-accept' }, errMsg: HTTP },
      { fault: { type: 'unrequested-protocol' }, errMsg: HTTP },
      { fault: { type: 'unrequested-protocol', protocol: 'v2' }, protocols: ['v1'], errMsg: HTTP },
      { fault: { type: 'unrequested-extension' }, errMsg: HTTP },
      { fault: { type: 'no-upgrade-response' }, timeout: 100, errMsg: TIMEOUT },
      { fault: { type: 'slow-upgrade-response', delay: 5000 }, timeout: 100, errMsg: TIMEOUT },
      { fault: { type: 'expired-certificate' }, secure: true, errMsg: TLS },
      { fault: { type: 'wrong-host-certificate' }, secure: true, errMsg: TLS },
      { fault: { type: 'untrusted-certificate' }, secure: true, errMsg: TLS },
    ];
    for (const { fault, errMsg, secure, protocols, timeout } of cases) {
      test(`§2 ${JSON.stringify(fault)}${protocols ? ` with protocols ${JSON.stringify(protocols)}` : ''} → onError "${errMsg}", onClose 1006`, async () => {
        const server = await start({ secure: secure === true, fault });
        const wx = createWx({ platform, ...server.wxOptions });
        const run = runTask(wx, {
          url: server.url,
          ...(protocols && { protocols }),
          ...(timeout !== undefined && { timeout }),
        });
        assert.deepEqual(await run.closed, [error(errMsg, 1004), ABNORMAL]);
        assert.equal(run.task.readyState, 3);
        assert.equal(server.clients.length, 0);
        assert.equal(server.connectionCount, 1);
      });
    }

    test('§1 protocols requested and the server selects none → onError code:20, onClose 1006', async () => {
      const server = await start({ selectProtocol: () => false });
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url, protocols: ['mqtt'] });
      assert.deepEqual(await run.closed, [error(HTTP, 1004), ABNORMAL]);
    });

    test('§1 slow-upgrade-response shorter than the timeout: the task opens normally', async () => {
      const server = await start({ fault: { type: 'slow-upgrade-response', delay: 50 }, secure: true });
      const wx = createWx({ platform, ...server.wxOptions });
      const run = runTask(wx, { url: server.url, timeout: 5000 });
      await run.opened;
      const client = await server.nextConnection();
      assert.deepEqual(await client.close(4000, 'slow but fine'), { code: 4000, reason: 'slow but fine' });
      assert.deepEqual(await run.closed, [{ event: 'open' }, { event: 'close', code: 4000, reason: 'slow but fine' }]);
    });

    test('§1 networkTimeout.connectSocket bounds a never-answered handshake when the call gives no timeout', async () => {
      const server = await start({ fault: { type: 'no-upgrade-response' } });
      const wx = createWx({ platform, networkTimeout: { connectSocket: 80 } });
      const run = runTask(wx, { url: server.url });
      assert.deepEqual(await run.closed, [error(TIMEOUT, 1004), ABNORMAL]);
      assert.equal(server.handshakeCount, 1);
    });
  });

  describe(`${platform}: faults after open give onOpen, onError when the peer broke the protocol, then onClose 1006`, () => {
    // errMsg after open names the violation, in wxsocket's words by `ws`'s error code [ours: the contract leaves it
    // open]. `maybe`: whether the runtime reports the violation depends on it, not on wxsocket. A reset right behind
    // the 101 reaches Node 20 as a plain end of stream (it ends like a drop) and Node 24 as a reset.
    // `ended`: the connection ends with the server's FIN (ios reports it as a close of its own, §9.3).
    const cases: Array<{ fault: ConnectionFault; errMsg?: RegExp; maybe?: true; ended?: true }> = [
      { fault: { type: 'drop' }, ended: true },
      { fault: { type: 'drop', reset: true }, errMsg: /^abnormal closure$/, maybe: true },
      { fault: { type: 'half-close' }, ended: true },
      { fault: { type: 'invalid-utf8' }, errMsg: /invalid UTF-8 sequence/ },
      { fault: { type: 'reserved-bits' }, errMsg: /RSV1 must be clear/ },
      { fault: { type: 'reserved-bits', bit: 3 }, errMsg: /RSV2 and RSV3 must be clear/ },
      { fault: { type: 'unknown-opcode' }, errMsg: /invalid opcode$/ },
      { fault: { type: 'fragmented-control' }, errMsg: /FIN must be set/ },
      { fault: { type: 'oversized-control' }, errMsg: /control frame longer than 125 bytes/ },
      { fault: { type: 'oversized-frame' }, errMsg: /payload length > 2\^53 - 1/ },
      // One byte over createWx's default maxMessageSize (32 MiB).
      { fault: { type: 'oversized-frame', length: 32 * 1024 * 1024 + 1 }, errMsg: /Max payload size exceeded/ },
      { fault: { type: 'invalid-close-code' }, errMsg: /invalid status code$/ },
      { fault: { type: 'invalid-close-code', code: 2999 }, errMsg: /invalid status code$/ },
      { fault: { type: 'long-close-reason' }, errMsg: /control frame longer than 125 bytes/ },
      { fault: { type: 'masked-frame' }, errMsg: /MASK must be clear/ },
      { fault: { type: 'unexpected-continuation' }, errMsg: /invalid opcode$/ },
      // More than 4096 pongs pending is treated as an attack (the transport's flood defence): onClose 1006 only.
      { fault: { type: 'ping-flood', count: 10_000 } },
    ];
    for (const { fault, errMsg, maybe, ended } of cases) {
      const onError = errMsg === undefined ? '' : maybe ? '(onError,) ' : 'onError, ';
      const closed = ended ? STREAM_ENDED : ABNORMAL;
      test(`§2 §9.3 ${JSON.stringify(fault)} → onOpen, ${onError}onClose ${closed.code} "${closed.reason}"`, async () => {
        const server = await start({ fault });
        const wx = createWx({ platform });
        const events = await runTask(wx, { url: server.url }).closed;
        assert.deepEqual(events.at(0), { event: 'open' });
        if (errMsg === undefined || (maybe && events.length === 2)) {
          // A reset seen as a plain end of stream ends as one.
          assert.deepEqual(events.at(-1), maybe ? STREAM_ENDED : closed);
          assert.equal(events.length, 2, JSON.stringify(events));
        } else {
          assert.deepEqual(events.at(-1), closed);
          assert.equal(events.length, 3, JSON.stringify(events));
          const reported = events[1] as Extract<WxEvent, { event: 'error' }>;
          assert.equal(reported.event, 'error');
          assert.match(reported.errMsg, errMsg);
          assert.equal(reported.errCode, platform === 'android' ? 1006 : undefined);
          assert.equal('errCode' in reported, platform === 'android');
        }
      });
    }

    test('§2 the fault can be injected later, on a connection that has already exchanged messages', async () => {
      const server = await start({ secure: true });
      const wx = createWx({ platform, ...server.wxOptions });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      void run.task.send({ data: 'before' });
      assert.deepEqual(await client.nextMessage(), { data: 'before', binary: false });
      await client.send('reply');
      await client.inject({ type: 'invalid-utf8' });
      const events = await run.closed;
      assert.deepEqual(events.slice(0, 2), [{ event: 'open' }, { event: 'message', data: 'reply' }]);
      assert.deepEqual(
        events.map((event) => event.event),
        ['open', 'message', 'error', 'close'],
      );
    });
  });

  describe(`${platform}: behaviours the client must cope with`, () => {
    test('§0.7 fragmented-message (text, cut inside UTF-8 characters) → one onMessage with the whole string', async () => {
      const server = await start({ fault: { type: 'fragmented-message', fragments: 7 } });
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      const client = await server.nextConnection();
      await run.opened;
      // The message was written right after the 101; echoing a message back proves it has been delivered.
      void run.task.send({ data: 'got it?' });
      await client.nextMessage();
      await client.close(1000, 'bye');
      assert.deepEqual(await run.closed, [
        { event: 'open' },
        { event: 'message', data: 'fragmented message: 你好, wxsocket 🌏' },
        { event: 'close', code: 1000, reason: 'bye' },
      ]);
    });

    test('§0.7 fragmented-message (binary) → one onMessage with an ArrayBuffer of exactly the bytes', async () => {
      const server = await start({});
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      const bytes = Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251));
      await client.inject({ type: 'fragmented-message', data: bytes, fragments: 9 });
      await client.close();
      const events = await run.closed;
      assert.equal(events.length, 3);
      const message = events[1] as Extract<WxEvent, { event: 'message' }>;
      assert.ok(message.data instanceof ArrayBuffer);
      assert.deepEqual(Buffer.from(message.data), bytes);
    });

    test('§2 a TCP reset on an established connection → onError "abnormal closure", then onClose 1006', async () => {
      const server = await start({});
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      void run.task.send({ data: 'established' });
      await client.nextMessage();
      await client.inject({ type: 'drop', reset: true });
      const events = await run.closed;
      assert.equal(events.length, 3, JSON.stringify(events));
      const reported = events[1] as Extract<WxEvent, { event: 'error' }>;
      assert.equal(reported.event, 'error');
      assert.equal(reported.errMsg, 'abnormal closure');
      assert.equal(reported.errCode, platform === 'android' ? 1006 : undefined);
      assert.deepEqual(events.at(-1), ABNORMAL);
    });

    test('§2 ping-flood of 1000 pings → every one answered, the connection stays usable', async () => {
      const server = await start({});
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      await client.inject({ type: 'ping-flood', count: 1000 });
      await client.waitForPongs(1000);
      void run.task.send({ data: 'still here' });
      assert.deepEqual(await client.nextMessage(), { data: 'still here', binary: false });
      await client.close(4001, 'done');
      assert.deepEqual(await run.closed, [{ event: 'open' }, { event: 'close', code: 4001, reason: 'done' }]);
    });

    test('§2 slow-reader → send success waits for the network (flow control), then every byte arrives in order', async () => {
      const server = await start({ fault: { type: 'slow-reader' } });
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      // 64 MiB: more than the loopback socket buffers of both ends can hold, so later sends must wait.
      const count = 64;
      let succeeded = 0;
      const firstSuccess = new Promise<void>((resolve) => {
        for (let index = 0; index < count; index += 1) {
          void run.task.send({
            data: new Uint8Array(1024 * 1024).fill(index).buffer,
            success: () => {
              succeeded += 1;
              resolve();
            },
          });
        }
      });
      await firstSuccess;
      assert.ok(succeeded < count, 'every send succeeded although the server reads nothing');
      assert.equal(client.messages.length, 0);
      client.resume();
      for (let index = 0; index < count; index += 1) {
        const { data } = await client.nextMessage();
        assert.equal(data.length, 1024 * 1024);
        assert.equal((data as Buffer)[0], index);
      }
      assert.equal(succeeded, count);
      await client.close();
      await run.closed;
    });

    test('§2 a clean close by the server → onClose with its code and reason only', async () => {
      const server = await start({ secure: true });
      const wx = createWx({ platform, ...server.wxOptions });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      assert.deepEqual(await client.close(4321, 'server says bye'), { code: 4321, reason: 'server says bye' });
      assert.deepEqual(await run.closed, [
        { event: 'open' },
        { event: 'close', code: 4321, reason: 'server says bye' },
      ]);
    });

    test(`§2 §9.3 the test server closing (FIN) → onClose ${STREAM_ENDED.code} "${STREAM_ENDED.reason}" only`, async () => {
      const server = await createTestServer();
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      await server.close();
      assert.deepEqual(await run.closed, [{ event: 'open' }, STREAM_ENDED]);
    });

    test('§2 a client close → the server sees the code and reason, onClose repeats them', async () => {
      const server = await start({});
      const wx = createWx({ platform });
      const run = runTask(wx, { url: server.url });
      await run.opened;
      const client = await server.nextConnection();
      void run.task.close({ code: 3001, reason: 'client leaves' });
      assert.deepEqual(await client.waitForClose(), { code: 3001, reason: 'client leaves' });
      assert.deepEqual(await run.closed, [{ event: 'open' }, { event: 'close', code: 3001, reason: 'client leaves' }]);
    });
  });
}
