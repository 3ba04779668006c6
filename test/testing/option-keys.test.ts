// The test kit refuses unknown options and invalid faults when they are given, with the closest known name, instead
// of ignoring them or crashing at the first connection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createTestCertificates, createTestServer, type TestServer } from '../../src/testing/index.js';
import type { SocketTask } from '../../src/types.js';
import { serversClosedAfter } from '../helpers/servers.js';

const server = serversClosedAfter();

/** Opens a socket to the server and resolves with the server's side of it. */
async function connected(
  target: TestServer,
): Promise<{ task: SocketTask; client: Awaited<ReturnType<TestServer['nextConnection']>> }> {
  const task = createWx().connectSocket({ url: target.url });
  return { task, client: await target.nextConnection() };
}

describe('createTestServer options', () => {
  test('an unknown option is refused before anything listens', async () => {
    await assert.rejects(createTestServer({ secrue: true } as never), {
      name: 'TypeError',
      message: 'createTestServer: unknown option "secrue" (did you mean "secure"?)',
    });
  });

  const faults: Array<[string, unknown, string]> = [
    ['an unknown type', { type: 'invalid-utf-8' }, 'unknown fault type "invalid-utf-8" (did you mean "invalid-utf8"?)'],
    ['no type', { status: 403 }, 'a fault needs a type (one of refuse, http-status, '],
    [
      'an unknown field',
      { type: 'drop', rest: true },
      'the fault "drop": unknown option "rest" (did you mean "reset"?)',
    ],
    ['a missing status', { type: 'http-status' }, 'the fault "http-status" needs a status, e.g. 403'],
    [
      'a bad status',
      { type: 'http-status', status: '403' },
      'the fault "http-status": status must be a whole number from 100 to 599',
    ],
    [
      'a missing delay',
      { type: 'slow-upgrade-response' },
      'the fault "slow-upgrade-response" needs a delay in milliseconds',
    ],
    ['a bad count', { type: 'ping-flood', count: -1 }, 'the fault "ping-flood": count must be a whole number ≥ 0'],
  ];
  for (const [what, fault, problem] of faults) {
    test(`a fault with ${what} is refused when given`, async () => {
      await assert.rejects(createTestServer({ fault: fault as never }), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.ok(error.message.startsWith(`createTestServer: ${problem}`), error.message);
        return true;
      });
    });
  }

  test('server.setFault checks the fault too', async () => {
    const target = await server();
    assert.throws(() => target.setFault({ type: 'dorp' } as never), {
      message: 'server.setFault: unknown fault type "dorp" (did you mean "drop"?)',
    });
    assert.equal(target.fault, undefined);
  });

  test('a plan that returns an invalid fault resets the connection and rejects the waits, without a crash', async () => {
    const target = await server({ fault: () => ({ type: 'dorp' }) as never });
    const task = createWx().connectSocket({ url: target.url });
    const closed = new Promise((resolve) => task.onClose(resolve));
    await assert.rejects(target.nextConnection(), /fault plan \(connection 1\): unknown fault type "dorp"/);
    assert.deepEqual(await closed, { code: 1006, reason: 'abnormal closure' });
    await assert.rejects(target.nextHandshake(), /unknown fault type "dorp"/);
  });
});

describe('client.inject and client.send', () => {
  test('an unknown fault type is refused', async () => {
    const { client } = await connected(await server());
    await assert.rejects(client.inject({ type: 'dorp' } as never), {
      message: 'client.inject: unknown fault type "dorp" (did you mean "drop"?)',
    });
    assert.equal(client.isOpen, true);
  });

  test('a handshake fault is refused: it acts before a connection opens', async () => {
    const { client } = await connected(await server());
    await assert.rejects(client.inject({ type: 'refuse' } as never), {
      name: 'TypeError',
      message:
        'client.inject: "refuse" is a handshake fault, which acts before a connection opens: set it with createTestServer({fault}) or server.setFault()',
    });
    assert.equal(client.isOpen, true);
  });

  test('send refuses an unknown option', async () => {
    const { client } = await connected(await server());
    await assert.rejects(client.send('x', { binery: true } as never), {
      message: 'client.send: unknown option "binery" (did you mean "binary"?)',
    });
  });
});

describe('wait options', () => {
  test('every wait refuses an unknown option or a bad timeout', async () => {
    const target = await server();
    const { client } = await connected(target);
    await assert.rejects(target.nextConnection({ timout: 100 } as never), {
      message: 'waiting for a connection to open: unknown option "timout" (did you mean "timeout"?)',
    });
    const badTimeout = 'timeout must be a number of milliseconds from 0 to 2147483647, or Infinity';
    await assert.rejects(target.nextHandshake({ timeout: -1 }), {
      message: `waiting for a handshake request: ${badTimeout}`,
    });
    // Longer than a timer can wait: Node would fire it after 1 ms, failing a wait that has barely begun.
    await assert.rejects(target.nextHandshake({ timeout: 2 ** 31 }), {
      message: `waiting for a handshake request: ${badTimeout}`,
    });
    await assert.rejects(
      client.nextMessage({ timeOut: 5 } as never),
      /unknown option "timeOut" \(did you mean "timeout"\?\)/,
    );
    await assert.rejects(
      client.waitForClose({ timeuot: 5 } as never),
      /^TypeError: waiting for the connection to close: unknown option "timeuot"/,
    );
    await assert.rejects(client.waitForPongs(1, { wait: 5 } as never), /unknown option "wait" \(known: timeout\)/);
  });
});

test('createTestCertificates refuses an unknown option', () => {
  assert.throws(() => createTestCertificates({ hostname: ['a.test'] } as never), {
    message: 'createTestCertificates: unknown option "hostname" (did you mean "hostnames"?)',
  });
});
