/**
 * The transport boundary seen from the core's side (transport.ts, contract §0.5, §2): a custom transport that breaks
 * the boundary's rules (handlers called out of order, methods that throw) is reported through `reportError` as the
 * transport's bug, and the task still never throws and still ends as the contract says. The transports here are
 * scripted custom transports, the real thing for this boundary: users pass their own through `createWx({transport})`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWx } from '../../src/node.js';
import type { TransportConnection, TransportHandlers } from '../../src/transport.js';
import type { SocketTask } from '../../src/types.js';
import { Log, callbacks, recordTask, settle } from '../conformance/recorder.js';
import { PROFILE } from '../reliability/fake-network.js';

/** What a scripted transport hands the test: the handlers of each connection, and what was called on it. */
interface Scripted {
  readonly handlers: TransportHandlers[];
  readonly calls: string[];
}

/**
 * A transport whose factory runs `during` (before returning) and whose connection's methods are `connection`'s
 * (each recorded in `calls`, then run).
 */
function scripted(
  during: (handlers: TransportHandlers) => void = () => {},
  connection: Partial<Record<'send' | 'close' | 'abort', (...args: unknown[]) => void>> = {},
): Scripted & { transport: (request: unknown, handlers: TransportHandlers) => TransportConnection } {
  const handlers: TransportHandlers[] = [];
  const calls: string[] = [];
  const method =
    (name: 'send' | 'close' | 'abort') =>
    (...args: unknown[]): void => {
      calls.push(name);
      connection[name]?.(...args);
    };
  return {
    handlers,
    calls,
    transport: (_request, given) => {
      handlers.push(given);
      during(given);
      return { send: method('send'), close: method('close'), abort: method('abort'), bufferedAmount: 0 };
    },
  };
}

/**
 * Resolves once the core has called the transport's factory: the test waits for the call itself, not for a moment
 * the start is known to come by (bounded in turns).
 */
async function attempted(transport: Scripted): Promise<void> {
  for (let turn = 0; turn < 100 && transport.handlers.length === 0; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(transport.handlers.length, 1, 'the core never called the transport');
}

/** A `wx` over the scripted transport, with its reports collected. */
function wxOver(transport: Scripted & { transport: never }, platform: 'android' | 'ios' = 'android') {
  const reports: { error: unknown; where: string }[] = [];
  const wx = createWx({
    platform,
    transport: transport.transport,
    reportError: (error, where) => reports.push({ error, where }),
  });
  return { wx, reports };
}

/** Connects and records the task; returns once the transport's factory has run. */
async function connected(wx: ReturnType<typeof createWx>, log = new Log()): Promise<{ task: SocketTask; log: Log }> {
  const task = wx.connectSocket({ url: 'ws://transport.invalid/' });
  recordTask(task, log);
  await settle(1);
  return { task, log };
}

/** A `wx` over a scripted transport whose connection's `method` throws `thrown`: connected, its task recorded. */
async function connectedThrowing(method: 'send' | 'close' | 'abort', thrown: Error) {
  const transport = scripted(undefined, {
    [method]: () => {
      throw thrown;
    },
  });
  const { wx, reports } = wxOver(transport as never);
  return { transport, reports, ...(await connected(wx)) };
}

/** The transport-bug reports: where `transport`, an Error naming the handler. */
function transportBugs(reports: { error: unknown; where: string }[]): string[] {
  return reports.filter((report) => report.where === 'transport').map((report) => (report.error as Error).message);
}

describe('transport boundary: handler calls out of order are refused and reported', () => {
  it('onOpen before the factory returned is ignored and reported; the task opens on the real onOpen and sends', async () => {
    const transport = scripted((handlers) => handlers.onOpen({}, PROFILE));
    const { wx, reports } = wxOver(transport as never);
    const log = new Log();
    const task = wx.connectSocket({ url: 'ws://transport.invalid/' });
    // A listener that sends at once: with the premature open accepted, `send` met no connection and threw.
    task.onOpen(() => task.send({ data: 'hi', ...callbacks(log, 'send ') }));
    recordTask(task, log);
    await attempted(transport);
    await settle(1);
    assert.deepEqual(log.names(), [], 'no open from a call made before the factory returned');
    assert.equal(task.readyState, task.CONNECTING);
    assert.deepEqual(transportBugs(reports), [
      'transport bug: onOpen called before the transport returned its connection',
    ]);

    transport.handlers[0]!.onOpen({}, PROFILE);
    assert.deepEqual(log.names(), ['open']);
    assert.deepEqual(transport.calls, ['send']);
    assert.equal(reports.length, 1, 'nothing else reported');
    void task.close();
  });

  it('onError and onClose before the factory returned are ignored: the task still fails and closes on the real ones', async () => {
    const transport = scripted((handlers) => {
      handlers.onError('transport', new Error('early'));
      handlers.onClose(1006, '');
    });
    const { wx, reports } = wxOver(transport as never);
    const { task, log } = await connected(wx);
    assert.deepEqual(log.names(), []);
    assert.equal(task.readyState, task.CONNECTING);
    assert.deepEqual(transportBugs(reports), [
      'transport bug: onError called before the transport returned its connection',
      'transport bug: onClose called before the transport returned its connection',
    ]);
    assert.deepEqual(transport.calls, [], 'the connection is kept: the premature calls did not count');
    transport.handlers[0]!.onError('transport', new Error('refused'));
    transport.handlers[0]!.onClose(1006, '');
    assert.deepEqual(log.names(), ['error', 'close']);
  });

  it('a second onOpen, onMessage before onOpen, onOpen after onError, anything after onClose: ignored and reported', async () => {
    const transport = scripted();
    const { wx, reports } = wxOver(transport as never);
    const { log } = await connected(wx);
    const handlers = transport.handlers[0]!;
    handlers.onMessage('too early');
    handlers.onOpen({}, PROFILE);
    handlers.onOpen({}, PROFILE);
    handlers.onMessage('in order');
    handlers.onClose(1000, 'bye');
    handlers.onMessage('too late');
    handlers.onError('protocol', new Error('too late'));
    handlers.onClose(1000, 'again');
    assert.deepEqual(log.names(), ['open', 'message', 'close']);
    assert.deepEqual(log.only('message'), { data: 'in order' });
    assert.deepEqual(transportBugs(reports), [
      'transport bug: onMessage called before onOpen',
      'transport bug: onOpen called after onOpen',
      'transport bug: onMessage called after onClose',
      'transport bug: onError called after onClose',
      'transport bug: onClose called after onClose',
    ]);

    const second = scripted();
    const other = wxOver(second as never);
    await connected(other.wx);
    second.handlers[0]!.onError('transport', new Error('refused'));
    second.handlers[0]!.onOpen({}, PROFILE);
    second.handlers[0]!.onError('transport', new Error('twice'));
    second.handlers[0]!.onClose(1006, '');
    // A second onError is let through: `ws` reports some failures twice.
    assert.deepEqual(transportBugs(other.reports), ['transport bug: onOpen called after onError']);
  });

  it('the calls a transport still makes after the core let go (onError, onClose after abort) are in order: not reported', async () => {
    const transport = scripted();
    const { wx, reports } = wxOver(transport as never);
    const { task, log } = await connected(wx);
    void task.close({ code: 4000, reason: 'done' });
    assert.deepEqual(transport.calls, ['abort']);
    transport.handlers[0]!.onError('transport', new Error('aborted'));
    transport.handlers[0]!.onClose(1006, '');
    await settle(1);
    assert.deepEqual(log.names(), ['close']);
    assert.deepEqual(reports, []);
  });
});

describe('transport boundary: what a transport throws is reported, and the task fails as the contract says', () => {
  for (const platform of ['android', 'ios'] as const) {
    it(`${platform}: a factory that throws: reported, then onError code:2 and onClose 1006`, async () => {
      const thrown = new SyntaxError('cannot parse that URL');
      const transport = scripted(() => {
        throw thrown;
      });
      const { wx, reports } = wxOver(transport as never, platform);
      const { log } = await connected(wx);
      assert.deepEqual(reports, [{ error: thrown, where: 'transport' }]);
      assert.deepEqual(log.names(), ['error', 'close']);
      // §9.2: android's newer base libraries word it as the binding does.
      const text =
        platform === 'android'
          ? 'open fail: _code:2,_msg:Underlying Transport Error'
          : 'exception onOpen fail code:2, msg:Underlying Transport Error';
      assert.equal(log.only('error').errMsg, text);
      assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
    });
  }

  it('send that throws: the call fails, the error is reported, the task ends with onError and onClose 1006', async () => {
    const thrown = new Error('send exploded');
    const { transport, reports, task, log } = await connectedThrowing('send', thrown);
    transport.handlers[0]!.onOpen({}, PROFILE);
    assert.doesNotThrow(() => {
      void task.send({ data: 'x', ...callbacks(log, 'send ') });
      void task.send({ data: 'no callbacks' });
    });
    assert.deepEqual(log.names(), ['open'], 'nothing runs before the call returns (§0.1)');
    await settle(2);
    assert.deepEqual(log.names(), ['open', 'send fail', 'send complete', 'error', 'close']);
    assert.equal(log.only('send fail').errMsg, 'sendSocketMessage:fail WebSocket is not connected');
    assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
    assert.deepEqual(reports, [{ error: thrown, where: 'transport' }]);
    assert.deepEqual(transport.calls, ['send', 'abort'], 'the second send met a task already ending');
  });

  it('close that throws: close still answers, the error is reported, the task ends with onError and onClose 1006', async () => {
    const thrown = new Error('close exploded');
    const { transport, reports, task, log } = await connectedThrowing('close', thrown);
    transport.handlers[0]!.onOpen({}, PROFILE);
    assert.doesNotThrow(() => {
      void task.close({ code: 4001, reason: 'bye', ...callbacks(log, 'close ') });
    });
    await settle(2);
    assert.deepEqual(log.names(), ['open', 'close success', 'close complete', 'error', 'close']);
    assert.deepEqual(log.only('close'), { code: 1006, reason: 'abnormal closure' });
    assert.deepEqual(reports, [{ error: thrown, where: 'transport' }]);
  });

  it('abort that throws: reported; the abandoned handshake still ends with the requested onClose', async () => {
    const thrown = new Error('abort exploded');
    const { reports, task, log } = await connectedThrowing('abort', thrown);
    assert.doesNotThrow(() => {
      void task.close({ code: 4002, reason: 'never mind' });
    });
    await settle(2);
    assert.deepEqual(log.names(), ['close']);
    assert.deepEqual(log.only('close'), { code: 4002, reason: 'never mind' });
    assert.deepEqual(reports, [{ error: thrown, where: 'transport' }]);
  });
});
