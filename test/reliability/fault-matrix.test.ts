/**
 * The fault matrix: every fault of the test kit × both profiles × the moment it strikes (before open, after open,
 * during send, during close) → the documented events (contract §2 "Event order", handshake texts), each terminal
 * event exactly once, every call's callbacks exactly once, the connection slot freed, and no socket, timer or
 * process listener left behind on either side (checked through the process's active resources).
 *
 * test/testing/wx-faults.test.ts proves what each fault gives when it strikes right at open; this adds the other
 * moments and the leak checks. docs/reliability.md has the table.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import {
  createTestServer,
  type ConnectionFault,
  type HandshakeFault,
  type TestClient,
  type TestServer,
} from '../../src/testing/index.js';
import type { SocketTask, Wx } from '../../src/types.js';
import { activeResources, leaked, processListenerCounts, turns, until } from '../helpers/leaks.js';
import { openFailure } from '../conformance/recorder.js';

// WeChat's handshake failure codes (§2, §9.2); the text depends on the profile (see `openFailure`).
const TIMEOUT = 9;
const TRANSPORT = 2;
const TLS = 8;
const HTTP = 20;

/** The close the client asks for in the "during close" phase, and at the end of a case the fault did not end. */
const LEAVING = { code: 4000, reason: 'leaving' } as const;
/** The close the client asks for while the handshake is still going on. */
const ABANDON = { code: 4001, reason: 'abandon' } as const;
const ABNORMAL = { code: 1006, reason: 'abnormal closure' } as const;
/** ios, when the server's FIN ended the connection without a close frame (§9.3). */
const STREAM_END = { code: 1001, reason: 'Stream end encountered' } as const;

interface HandshakeCase {
  readonly fault: HandshakeFault;
  readonly errMsg: typeof TIMEOUT | typeof TRANSPORT | typeof TLS | typeof HTTP;
  readonly secure?: boolean;
  /** The handshake request reaches the server (so "during close" can wait for it and close deterministically). */
  readonly requestArrives: boolean;
}

const HANDSHAKE_CASES: readonly HandshakeCase[] = [
  { fault: { type: 'refuse' }, errMsg: TRANSPORT, requestArrives: false },
  { fault: { type: 'http-status', status: 403 }, errMsg: HTTP, requestArrives: true },
  { fault: { type: 'bad-accept' }, errMsg: HTTP, requestArrives: true },
  { fault: { type: 'unrequested-protocol' }, errMsg: HTTP, requestArrives: true },
  { fault: { type: 'unrequested-extension' }, errMsg: HTTP, requestArrives: true },
  { fault: { type: 'no-upgrade-response' }, errMsg: TIMEOUT, requestArrives: true },
  { fault: { type: 'slow-upgrade-response', delay: 250 }, errMsg: TIMEOUT, requestArrives: true },
  { fault: { type: 'expired-certificate' }, errMsg: TLS, secure: true, requestArrives: false },
  { fault: { type: 'wrong-host-certificate' }, errMsg: TLS, secure: true, requestArrives: false },
  { fault: { type: 'untrusted-certificate' }, errMsg: TLS, secure: true, requestArrives: false },
];

/** What a connection fault does to an open connection. */
type Effect =
  /** Ends it without a close frame and without an error. */
  | { kind: 'drop'; mayReportError?: true }
  /** Breaks the protocol: onError with this text, then onClose 1006. */
  | { kind: 'protocol'; errMsg: RegExp }
  /** Delivers one message; the connection goes on. */
  | { kind: 'message' }
  /** Nothing visible; the connection goes on. */
  | { kind: 'none' };

const CONNECTION_CASES: ReadonlyArray<{ fault: ConnectionFault; effect: Effect }> = [
  { fault: { type: 'drop' }, effect: { kind: 'drop' } },
  // A reset reaches Node either as a plain end of stream or as ECONNRESET, depending on timing: onError is optional.
  { fault: { type: 'drop', reset: true }, effect: { kind: 'drop', mayReportError: true } },
  { fault: { type: 'half-close' }, effect: { kind: 'drop' } },
  { fault: { type: 'invalid-utf8' }, effect: { kind: 'protocol', errMsg: /invalid UTF-8 sequence/ } },
  { fault: { type: 'reserved-bits' }, effect: { kind: 'protocol', errMsg: /RSV1 must be clear/ } },
  { fault: { type: 'reserved-bits', bit: 3 }, effect: { kind: 'protocol', errMsg: /RSV2 and RSV3 must be clear/ } },
  { fault: { type: 'unknown-opcode' }, effect: { kind: 'protocol', errMsg: /invalid opcode$/ } },
  { fault: { type: 'fragmented-control' }, effect: { kind: 'protocol', errMsg: /FIN must be set/ } },
  {
    fault: { type: 'oversized-control' },
    effect: { kind: 'protocol', errMsg: /control frame longer than 125 bytes/ },
  },
  { fault: { type: 'oversized-frame' }, effect: { kind: 'protocol', errMsg: /payload length > 2\^53 - 1/ } },
  {
    fault: { type: 'oversized-frame', length: 32 * 1024 * 1024 + 1 },
    effect: { kind: 'protocol', errMsg: /Max payload size exceeded/ },
  },
  { fault: { type: 'invalid-close-code' }, effect: { kind: 'protocol', errMsg: /invalid status code$/ } },
  {
    fault: { type: 'long-close-reason' },
    effect: { kind: 'protocol', errMsg: /control frame longer than 125 bytes/ },
  },
  { fault: { type: 'masked-frame' }, effect: { kind: 'protocol', errMsg: /MASK must be clear/ } },
  { fault: { type: 'unexpected-continuation' }, effect: { kind: 'protocol', errMsg: /invalid opcode$/ } },
  { fault: { type: 'fragmented-message', fragments: 5 }, effect: { kind: 'message' } },
  { fault: { type: 'ping-flood', count: 10_000 }, effect: { kind: 'drop' } },
  { fault: { type: 'slow-reader' }, effect: { kind: 'none' } },
];

type Phase = 'before open' | 'after open' | 'during send' | 'during close';

interface Event {
  readonly name: 'open' | 'message' | 'error' | 'close';
  readonly result: Record<string, unknown>;
}

interface Call {
  readonly label: string;
  readonly results: Array<[kind: 'success' | 'fail' | 'complete', errMsg: string]>;
}

/** One matrix case: a fresh server, a wx limited to one connection, the task, its events and its calls. */
class Run {
  readonly events: Event[] = [];
  readonly globalCloses: unknown[] = [];
  readonly calls: Call[] = [];
  readonly task: SocketTask;

  constructor(
    readonly wx: Wx,
    url: string,
  ) {
    wx.onSocketClose((result) => void this.globalCloses.push(result));
    this.task = wx.connectSocket({ url }) as SocketTask;
    for (const name of ['open', 'message', 'error', 'close'] as const) {
      const on = {
        open: this.task.onOpen,
        message: this.task.onMessage,
        error: this.task.onError,
        close: this.task.onClose,
      }[name];
      on.call(
        this.task,
        (result: unknown) => void this.events.push({ name, result: result as Record<string, unknown> }),
      );
    }
  }

  get ended(): boolean {
    return this.events.some((event) => event.name === 'close');
  }

  get opened(): boolean {
    return this.events.some((event) => event.name === 'open');
  }

  /** Callbacks recording into a new call. */
  callbacks(label: string) {
    const call: Call = { label, results: [] };
    this.calls.push(call);
    return {
      success: (result: { errMsg: string }) => void call.results.push(['success', result.errMsg]),
      fail: (result: { errMsg: string }) => void call.results.push(['fail', result.errMsg]),
      complete: (result: { errMsg: string }) => void call.results.push(['complete', result.errMsg]),
    };
  }

  send(data: string | ArrayBuffer): void {
    void this.task.send({ data, ...this.callbacks('send') });
  }

  close(request: { code: number; reason: string }): void {
    void this.task.close({ ...request, ...this.callbacks('close') });
  }

  /** Every call ended in exactly one of success/fail, then complete. */
  get callsDone(): boolean {
    return this.calls.every((call) => call.results.length === 2);
  }

  names(): string {
    return this.events.map((event) => event.name).join(' ');
  }
}

async function settled(condition: () => boolean, what: string, maxMs = 5000): Promise<void> {
  if (!(await until(condition, { maxMs, maxTurns: 1_000_000 }))) assert.fail(`timed out waiting for ${what}`);
}

/**
 * After the task ended: each call ended once; nothing more happens; the slot is free again; once the server has
 * let go of its side, nothing of either side is left (the server's own listening socket is in the baseline).
 */
async function finish(
  run: Run,
  platform: 'android' | 'ios',
  baseline: readonly string[],
  listeners: string,
): Promise<void> {
  await settled(() => run.ended && run.callsDone, 'the task to end and every call to complete');
  for (const call of run.calls) {
    const kinds = call.results.map(([kind]) => kind);
    assert.ok(
      kinds.join() === 'success,complete' || kinds.join() === 'fail,complete',
      `${call.label}: ${kinds.join()}`,
    );
    assert.equal(call.results[0]![1], call.results[1]![1]);
  }
  const eventsAtEnd = run.events.length;
  await settled(() => leaked(baseline).length === 0, 'nothing left behind', 5000).catch(() =>
    assert.fail(`left behind: ${leaked(baseline).join(', ')}`),
  );
  await turns(3);
  assert.equal(run.events.length, eventsAtEnd, 'an event came after onClose');
  assert.equal(run.events.filter((event) => event.name === 'close').length, 1, 'onClose once');
  assert.ok(run.events.filter((event) => event.name === 'error').length <= 1, 'onError at most once');
  assert.equal(run.task.readyState, 3);
  assert.equal(run.globalCloses.length, 1, 'wx.onSocketClose once');
  assert.equal(JSON.stringify(processListenerCounts()), listeners, 'process listeners');
  for (const event of run.events) {
    if (event.name !== 'error') continue;
    assert.equal(typeof event.result['errMsg'], 'string');
    assert.equal('errCode' in event.result, platform === 'android', 'errCode on android only');
  }

  // The slot is free: with maxConnections 1, a new task is accepted (closed at once, it never touches the network).
  const probe = run.callbacks('probe connectSocket');
  const next = run.wx.connectSocket({ url: 'ws://127.0.0.1:9/never', ...probe }) as SocketTask;
  void next.close({});
  await settled(() => run.callsDone, 'the probe');
  assert.deepEqual(
    run.calls.at(-1)!.results.map(([kind, errMsg]) => `${kind} ${errMsg}`),
    ['success connectSocket:ok', 'complete connectSocket:ok'],
  );
  await settled(() => leaked(baseline).length === 0, 'nothing left behind after the probe').catch(() =>
    assert.fail(`left behind after the probe: ${leaked(baseline).join(', ')}`),
  );
}

function closeResult(run: Run): Record<string, unknown> {
  return run.events.find((event) => event.name === 'close')!.result;
}

function errorResult(run: Run): Record<string, unknown> | undefined {
  return run.events.find((event) => event.name === 'error')?.result;
}

for (const platform of ['android', 'ios'] as const) {
  const notOpen =
    platform === 'android'
      ? 'sendSocketMessage:fail WebSocket is not connected'
      : 'SocketTask.send:fail SocketTask.readyState is not OPEN';

  describe(`${platform}: handshake faults × before open, during send, during close`, () => {
    for (const { fault, errMsg, secure, requestArrives } of HANDSHAKE_CASES) {
      for (const phase of ['before open', 'during send', 'during close'] as const) {
        test(`§2 ${JSON.stringify(fault)} ${phase} → ${phase === 'during close' ? `onClose ${ABANDON.code} only` : 'onError, onClose 1006'}, nothing left`, async () => {
          const baseline = activeResources();
          const listeners = JSON.stringify(processListenerCounts());
          const server = await createTestServer({ secure: secure === true, fault });
          try {
            // A short handshake timeout where the fault is a handshake that never completes; else a generous one.
            const timeout = errMsg === TIMEOUT ? 100 : 5000;
            const wx = createWx({
              platform,
              ...server.wxOptions,
              maxConnections: 1,
              networkTimeout: { connectSocket: timeout },
            });
            const run = new Run(wx, server.url);
            if (phase === 'during send') {
              run.send('too early'); // same turn as connectSocket
              await settled(() => server.connectionCount > 0 || run.ended, 'the connection attempt');
              if (!run.ended) run.send(new ArrayBuffer(8)); // while the handshake is under way
            }
            if (phase === 'during close') {
              if (requestArrives) await server.nextHandshake();
              else await settled(() => server.connectionCount > 0 || run.ended, 'the connection attempt');
              run.close(ABANDON);
            }
            await finish(run, platform, [...baseline, ...activeResourcesOf(server)], listeners);
            assert.ok(!run.opened);
            const closeCall = run.calls.find((call) => call.label === 'close');
            if (phase === 'during close' && (requestArrives || closeCall?.results[0]?.[0] === 'success')) {
              // Closed while CONNECTING: the requested code and reason, no onError (§2).
              assert.equal(run.names(), 'close');
              assert.deepEqual(closeResult(run), { ...ABANDON });
              assert.equal(closeCall?.results[0]?.[1], 'closeSocket:ok');
            } else {
              assert.equal(run.names(), 'error close');
              assert.equal(errorResult(run)!['errMsg'], openFailure({ platform, atLeast: () => true }, errMsg));
              if (platform === 'android') assert.equal(errorResult(run)!['errCode'], 1004);
              assert.deepEqual(closeResult(run), { ...ABNORMAL });
              if (closeCall) assert.equal(closeCall.results[0]?.[1], 'closeSocket:fail WebSocket is not connected');
            }
            for (const call of run.calls.filter((entry) => entry.label === 'send'))
              assert.equal(call.results[0]![1], notOpen);
          } finally {
            await server.close();
          }
        });
      }
    }
  });

  describe(`${platform}: connection faults × before open, after open, during send, during close`, () => {
    for (const { fault, effect } of CONNECTION_CASES) {
      for (const phase of ['before open', 'after open', 'during send', 'during close'] as const) {
        test(`§2 ${JSON.stringify(fault)} ${phase} → ${describeOutcome(effect, phase)}, nothing left`, async () => {
          const baseline = activeResources();
          const listeners = JSON.stringify(processListenerCounts());
          const server = await createTestServer(phase === 'before open' ? { fault } : {});
          try {
            await runConnectionCase(server, platform, fault, effect, phase, baseline, listeners);
          } finally {
            await server.close();
          }
        });
      }
    }
  });
}

/** The listening socket of a test server: part of the baseline while the case runs. */
function activeResourcesOf(_server: TestServer): string[] {
  return ['TCPServerWrap'];
}

function describeOutcome(effect: Effect, phase: Phase): string {
  if (effect.kind === 'protocol') return 'onError, onClose 1006';
  if (effect.kind === 'drop')
    return phase === 'during close' ? `onClose ${LEAVING.code} (we closed first)` : 'onClose 1006';
  if (effect.kind === 'message') return `onMessage, then onClose ${LEAVING.code} when the client leaves`;
  return `onClose ${LEAVING.code} when the client leaves`;
}

async function runConnectionCase(
  server: TestServer,
  platform: 'android' | 'ios',
  fault: ConnectionFault,
  effect: Effect,
  phase: Phase,
  baseline: readonly string[],
  listeners: string,
): Promise<void> {
  const wx = createWx({ platform, maxConnections: 1 });
  const run = new Run(wx, server.url);
  const client: TestClient = await server.nextConnection();
  await settled(() => run.opened || run.ended, 'open');
  assert.ok(run.opened, `the task opened: ${run.names()}`);

  if (phase === 'after open') {
    run.send('hello');
    assert.deepEqual(await client.nextMessage(), { data: 'hello', binary: false });
    await client.send('reply');
    await settled(() => run.events.some((event) => event.name === 'message'), 'the reply');
    await client.inject(fault);
  } else if (phase === 'during send') {
    // The server stops reading, so these sends are still in flight when the fault strikes (same turn).
    client.pause();
    for (let i = 0; i < 4; i += 1) run.send(new Uint8Array(1024 * 1024).fill(i).buffer);
    run.send('last');
    const injected = client.inject(fault);
    if (client.isOpen) client.resume();
    await injected;
  } else if (phase === 'during close') {
    // The server stops reading, so the close frame stays unanswered while the fault strikes.
    client.pause();
    run.close(LEAVING);
    await settled(() => run.calls[0]!.results.length === 2, 'close to be accepted');
    await client.inject(fault);
    if (client.isOpen) client.resume();
  }
  // A fault that leaves the connection usable: the client leaves when its sends are done.
  if (effect.kind === 'message' || effect.kind === 'none') {
    client.resume();
    await settled(() => run.callsDone || run.ended, 'the sends');
    if (!run.ended && phase !== 'during close') run.close(LEAVING);
  }
  await finish(run, platform, [...baseline, 'TCPServerWrap'], listeners);

  const names = run.names();
  const head = phase === 'after open' ? 'open message' : 'open';
  const close = closeResult(run);
  const error = errorResult(run);
  switch (effect.kind) {
    case 'protocol':
      assert.equal(names, `${head} error close`);
      assert.match(String(error!['errMsg']), effect.errMsg);
      if (platform === 'android') assert.equal(error!['errCode'], 1006);
      assert.deepEqual(close, { ...ABNORMAL });
      break;
    case 'drop':
      // With sends in flight, writing to the dropped connection fails too (EPIPE, ECONNRESET): onError is optional.
      if ((effect.mayReportError || phase === 'during send') && error) {
        assert.equal(names, `${head} error close`);
        assert.equal(error['errMsg'], 'abnormal closure');
      } else assert.equal(names, `${head} close`);
      if (error) assert.deepEqual(close, { ...ABNORMAL });
      // When we closed first, onClose reports what we asked for [ours, §2].
      else if (phase === 'during close') assert.deepEqual(close, { ...LEAVING });
      // ios reports the server's FIN as a close of its own (§9.3); a reset or the flood defence is 1006.
      else if (platform === 'ios' && close?.['code'] === 1001) assert.deepEqual(close, { ...STREAM_END });
      else assert.deepEqual(close, { ...ABNORMAL });
      break;
    case 'message':
      assert.equal(names, `${head} message close`);
      assert.deepEqual(close, { ...LEAVING });
      break;
    case 'none':
      assert.equal(names, `${head} close`);
      assert.deepEqual(close, { ...LEAVING });
      break;
  }
  if (phase === 'during send' && (effect.kind === 'message' || effect.kind === 'none')) {
    for (const call of run.calls.filter((entry) => entry.label === 'send'))
      assert.equal(call.results[0]![0], 'success', 'a send on a connection that lived on succeeded');
  }
}
