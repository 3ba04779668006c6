/**
 * Property, over real sockets: a task driven by random sends and closes against a local test server (ws or wss)
 * that echoes, closes, drops, breaks the protocol or refuses the handshake at a random moment. Every call ends once,
 * the task's events are valid with one terminal event, every message that arrives is one that was sent, in order
 * and byte-exact, and once the task has ended no socket or timer of either side is left (checked through the
 * process's active handles).
 */
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createWx } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import {
  createTestServer,
  type ConnectionFault,
  type HandshakeFault,
  type TestClient,
  type TestServer,
} from '../../src/testing/index.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { bagSpec, buildBag, nastyString, optionValue } from './hostile.js';
import { turn, turns, until } from '../helpers/leaks.js';
import { ObservedCall, Reports, eventProblems, type TaskEvent } from './oracle.js';

type ServerScript =
  | { type: 'echo' }
  | { type: 'fault'; at: number; fault: ConnectionFault }
  | { type: 'close'; at: number; code: number; reason: string }
  | { type: 'terminate'; at: number };

let script: ServerScript = { type: 'echo' };

/** Runs the current script on a server-side connection: echo every message, and act after `at` messages. */
function handler(client: TestClient): void {
  const mine = script;
  let received = 0;
  const act = () => {
    if (mine.type === 'fault') void client.inject(mine.fault);
    else if (mine.type === 'close') client.close(mine.code, mine.reason).catch(() => undefined);
    else if (mine.type === 'terminate') client.terminate();
  };
  if (mine.type !== 'echo' && mine.at === 0) act();
  client.onMessage((message) => {
    received += 1;
    if (client.isOpen) client.send(message.data, { binary: message.binary }).catch(() => undefined);
    if (mine.type !== 'echo' && received === mine.at) act();
  });
}

const CONNECTION_FAULTS: ConnectionFault[] = [
  { type: 'drop' },
  { type: 'drop', reset: true },
  { type: 'half-close' },
  { type: 'invalid-utf8' },
  { type: 'unknown-opcode' },
  { type: 'masked-frame' },
  { type: 'oversized-frame', length: 2048 },
  { type: 'invalid-close-code' },
  { type: 'fragmented-message', fragments: 4 },
  { type: 'ping-flood', count: 20 },
];
const HANDSHAKE_FAULTS: HandshakeFault[] = [
  { type: 'refuse' },
  { type: 'http-status', status: 403 },
  { type: 'bad-accept' },
  { type: 'no-upgrade-response' },
];

const serverScript: fc.Arbitrary<ServerScript> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ type: 'echo' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('fault' as const),
      at: fc.nat(4),
      fault: fc.constantFrom(...CONNECTION_FAULTS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('close' as const),
      at: fc.nat(4),
      code: fc.constantFrom(1000, 1001, 4000),
      reason: fc.constantFrom('', 'bye'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('terminate' as const), at: fc.nat(4) }) },
);

const clientOperation = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      data: fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), fc.uint8Array({ maxLength: 64 })),
      spec: bagSpec({}, fc.constant('plain' as const)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('hostile-send' as const), spec: bagSpec({ data: optionValue }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('close' as const),
      spec: bagSpec({
        code: fc.oneof(fc.constantFrom(1000, 3000, 4999, 1001), optionValue),
        reason: fc.oneof(fc.constantFrom('', 'client bye'), nastyString),
      }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), turns: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'await-open' as const }) },
);

let plain: TestServer;
let secure: TestServer;
before(async () => {
  plain = await createTestServer({ handler });
  secure = await createTestServer({ secure: true, handler });
});
after(() => Promise.all([plain.close(), secure.close()]));

/** Sent data carries its sequence number, so arrivals can be matched to sends: `7:…` or bytes starting [0, 7]. */
function tag(sequence: number, data: string | Uint8Array): string | ArrayBuffer {
  if (typeof data === 'string') return `${sequence}:${data}`;
  const bytes = new Uint8Array(data.length + 2);
  bytes.set([sequence >> 8, sequence & 0xff]);
  bytes.set(data, 2);
  return bytes.buffer;
}

function sequenceOf(data: unknown): number | undefined {
  if (typeof data === 'string') return Number(/^(\d+):/.exec(data)?.[1]);
  if (data instanceof ArrayBuffer && data.byteLength >= 2) {
    const bytes = new Uint8Array(data);
    return (bytes[0]! << 8) | bytes[1]!;
  }
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (!(a instanceof ArrayBuffer) || !(b instanceof ArrayBuffer) || a.byteLength !== b.byteLength) return false;
  return Buffer.from(a).equals(Buffer.from(b));
}

test('§0/§2 over real sockets: random sends and closes against a misbehaving server end every call once, deliver in order, leak nothing', async () => {
  const invariants = new Invariants();
  let order = 0;
  const stamp = () => ++order;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('android' as const, 'ios' as const),
        fc.boolean(),
        fc.oneof(
          { weight: 6, arbitrary: serverScript },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...HANDSHAKE_FAULTS).map((fault) => ({ type: 'handshake' as const, fault })),
          },
        ),
        fc.array(clientOperation, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (platform, useTls, serverSide, operations, awaitPromises) => {
          const server = useTls ? secure : plain;
          if (serverSide.type === 'handshake') {
            server.setFault(serverSide.fault);
            script = { type: 'echo' };
          } else {
            server.setFault(undefined);
            script = serverSide;
          }
          const reports = new Reports();
          const wx = createWx({
            platform,
            ...server.wxOptions,
            networkTimeout: { connectSocket: 300 },
            maxMessageSize: 1024,
            reportError: reports.report,
          });
          const task = wx.connectSocket({ url: server.url }) as SocketTask;
          const events: TaskEvent[] = [];
          task.onOpen((result) => void events.push({ name: 'open', result, order: stamp() }));
          task.onMessage((result) => void events.push({ name: 'message', result, order: stamp() }));
          task.onError((result) => void events.push({ name: 'error', result, order: stamp() }));
          task.onClose((result) => void events.push({ name: 'close', result, order: stamp() }));
          const ended = () => events.some((event) => event.name === 'close');

          const calls: ObservedCall[] = [];
          const sent = new Map<number, string | ArrayBuffer>();
          let sequence = 0;
          /** A hostile send may carry a valid string or ArrayBuffer by chance: its echo is untagged. */
          let untaggedSends = 0;
          for (const op of operations) {
            if (op.kind === 'wait') await turns(op.turns);
            else if (op.kind === 'await-open') await until(() => events.length > 0, { maxMs: 2000 });
            else if (op.kind === 'send' || op.kind === 'hostile-send') {
              const spec =
                op.kind === 'send'
                  ? { ...op.spec, fields: [{ key: 'data', value: tag(++sequence, op.data), how: 'data' as const }] }
                  : op.spec;
              const bag = buildBag(spec);
              const value = spec.fields.find((field) => field.key === 'data')?.value;
              if (op.kind === 'send') sent.set(sequence, value as string | ArrayBuffer);
              else if (typeof value === 'string' || value instanceof ArrayBuffer) untaggedSends += 1;
              const honoured = bag.isPlainObject && bag.hasCallbackKey;
              calls.push(
                new ObservedCall('task.send', bag, honoured, platform === 'ios' && !honoured).run(
                  (value) => task.send(value as never),
                  awaitPromises,
                ),
              );
            } else {
              const bag = buildBag(op.spec);
              const honoured = bag.isPlainObject && bag.hasCallbackKey;
              calls.push(
                new ObservedCall('task.close', bag, honoured, platform === 'ios' && !honoured).run(
                  (value) => task.close(value as never),
                  awaitPromises,
                ),
              );
            }
          }
          // End the task if nothing did: a clean close, answered by the server (or a drop, if it is gone).
          await turn();
          if (!ended()) void task.close({ code: 1000, reason: 'end of case', fail: () => undefined });
          const problems: string[] = [];
          if (!(await until(ended, { maxMs: 5000, maxTurns: 100_000 }))) problems.push('the task never ended');
          await turns(3);

          for (const call of calls) problems.push(...call.problems());
          problems.push(...eventProblems('task', events, true, task.readyState));
          let last = 0;
          for (const event of events.filter((entry) => entry.name === 'message')) {
            const data = (event.result as { data: unknown }).data;
            const number = sequenceOf(data);
            if (number === undefined || !sent.has(number)) {
              // The fragmented-message fault's own message, and echoes of hostile sends, carry no tag.
              const faultMessage = serverSide.type === 'fault' && serverSide.fault.type === 'fragmented-message';
              if (!faultMessage && untaggedSends-- <= 0)
                problems.push(`received a message never sent: ${String(data).slice(0, 40)}`);
              continue;
            }
            if (number <= last) problems.push(`message ${number} arrived after ${last}`);
            if (!same(data, sent.get(number))) problems.push(`message ${number} arrived changed`);
            last = number;
          }
          problems.push(...reports.internal());
          problems.push(...(await invariants.problems('network')));
          assertNoProblems(problems);
        },
      ),
      propertyParameters(400),
    );
  } finally {
    invariants.stop();
    plain.setFault(undefined);
    secure.setFault(undefined);
  }
});
