/**
 * Property: `wx.connectSocket` with any options, on any profile and base library version, over a scripted network
 * (no sockets: test/reliability/fake-network.ts): it never throws; the call ends in exactly one of success/fail then
 * one complete, never before it returned; the returned task (if any) delivers a valid event sequence with exactly one
 * terminal event; the transport is only ever handed headers and subprotocols HTTP allows; every connection is
 * released and every timer cleared; afterwards all `maxConnections` slots are free again; no unhandled rejection,
 * no prototype polluted, nothing reported but user code's own errors.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import type { SocketTask, Wx } from '../../src/types.js';
import { BEHAVIOURS, FakeNetwork, fakeUrl } from './fake-network.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { bagSpec, buildBag, hugeString, nastyString, optionValue, prototypeKeysObject } from './hostile.js';
import { turns, until } from '../helpers/leaks.js';
import { ObservedCall, Reports, eventProblems, type TaskEvent } from './oracle.js';
import { VERSIONS, closeCall, environment, isLegacy, requestProblems, slotProblems, wxFor } from './scenario.js';

const url = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...BEHAVIOURS), fc.boolean())
      .map(([behaviour, secure]) => fakeUrl(behaviour, secure)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('ws://', 'wss://', 'WSS://', 'http://', ''), nastyString)
      .map(([scheme, rest]) => scheme + rest),
  },
  { weight: 2, arbitrary: optionValue },
  { weight: 1, arbitrary: hugeString.map((text) => `wss://${text}`) },
);

const header = fc.oneof(
  fc.dictionary(nastyString, fc.oneof(nastyString, fc.integer(), fc.boolean(), optionValue), { maxKeys: 4 }),
  fc.dictionary(
    fc.constantFrom('X-Token', 'Referer', 'user-agent', 'Host', 'Sec-WebSocket-Key', 'Cookie'),
    fc.constantFrom('v', 'a\r\nInjected: 1', ''),
    { maxKeys: 3 },
  ),
  prototypeKeysObject,
  optionValue,
);

const protocols = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom('mqtt', 'v1', 'chat'), nastyString), { maxLength: 3 }),
  fc.constantFrom('mqtt', 'a, b', 'mqtt,mqtt', ' , '),
  nastyString,
  optionValue,
);

export const CONNECT_FIELDS = {
  url,
  header,
  protocols,
  timeout: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), optionValue),
  tcpNoDelay: fc.oneof(fc.boolean(), optionValue),
  perMessageDeflate: fc.oneof(fc.boolean(), fc.constant({ threshold: 1024 }), optionValue),
  forceCellularNetwork: optionValue,
  method: optionValue,
  data: optionValue,
  rejectUnauthorized: optionValue,
};

/** What the test does with the task after the call. */
const plan = fc.record({
  close: fc.constantFrom('never', 'same-turn', 'next-turn', 'after-open'),
  closeSpec: bagSpec({
    code: fc.oneof(fc.constantFrom(1000, 3000, 4999, 1001, 2999, 5000), optionValue),
    reason: fc.oneof(nastyString, fc.constant('r'.repeat(124)), optionValue),
  }),
  sendSpec: fc.option(bagSpec({ data: fc.oneof(fc.string(), fc.constant(new ArrayBuffer(3)), optionValue) }), {
    nil: undefined,
  }),
  throwingListeners: fc.boolean(),
  awaitPromises: fc.boolean(),
});

function recordEvents(task: SocketTask, events: TaskEvent[], order: () => number, throwing: boolean): void {
  for (const name of ['open', 'message', 'error', 'close'] as const) {
    const on = { open: task.onOpen, message: task.onMessage, error: task.onError, close: task.onClose }[name];
    on.call(task, (result: unknown) => void events.push({ name, result, order: order() }));
    if (throwing)
      on.call(task, () => {
        throw new Error(`listener ${name} throws`);
      });
  }
}

function recordGlobal(wx: Wx, events: TaskEvent[], order: () => number): void {
  wx.onSocketOpen((result) => void events.push({ name: 'open', result, order: order() }));
  wx.onSocketMessage((result) => void events.push({ name: 'message', result, order: order() }));
  wx.onSocketError((result) => void events.push({ name: 'error', result, order: order() }));
  wx.onSocketClose((result) => void events.push({ name: 'close', result, order: order() }));
}

test('§0/§1 connectSocket: any options end in one success or fail, and a task with one terminal event, leaving nothing behind', async () => {
  const invariants = new Invariants();
  let order = 0;
  const stamp = () => ++order;
  try {
    await fc.assert(
      fc.asyncProperty(environment, bagSpec(CONNECT_FIELDS), plan, async (env, spec, act) => {
        const network = new FakeNetwork();
        const reports = new Reports(env.throwingReporter);
        const wx = wxFor(env, network, reports);
        const globalEvents: TaskEvent[] = [];
        recordGlobal(wx, globalEvents, stamp);
        const legacy = isLegacy(env);
        const iosTaskPromises = env.platform === 'ios' && !legacy;
        const globalPromises = VERSIONS.indexOf(env.SDKVersion) >= VERSIONS.indexOf('2.10.4');

        const bag = buildBag(spec);
        const connect = new ObservedCall('connectSocket', bag, bag.isObjectLike && bag.hasCallbackKey, false).run(
          (value) => wx.connectSocket(value as never),
          true,
        );
        const calls: ObservedCall[] = [connect];
        const task = connect.returned as SocketTask | undefined;
        const events: TaskEvent[] = [];
        if (task !== undefined) recordEvents(task, events, stamp, act.throwingListeners);

        const closeNow = async () => {
          if (task) calls.push(await closeCall(task, act.closeSpec, 'task.close', act.awaitPromises, iosTaskPromises));
          else
            calls.push(
              await closeCall(
                { close: (value) => wx.closeSocket(value as never) },
                act.closeSpec,
                'wx.closeSocket',
                act.awaitPromises,
                globalPromises,
              ),
            );
        };
        if (act.close === 'same-turn') await closeNow();
        if (act.sendSpec && task) {
          const sendBag = buildBag(act.sendSpec);
          const honoured = sendBag.isPlainObject && sendBag.hasCallbackKey;
          calls.push(
            new ObservedCall('task.send', sendBag, honoured, iosTaskPromises && !honoured).run(
              (value) => task.send(value as never),
              act.awaitPromises,
            ),
          );
        }
        await turns(1);
        if (act.close === 'next-turn') await closeNow();
        if (act.close === 'after-open') {
          await until(() => events.some((event) => event.name !== 'message') || globalEvents.length > 0, {
            maxTurns: 20,
          });
          await closeNow();
        }
        await turns(2);
        network.teardown();
        await until(() => network.quiet && (task === undefined || task.readyState === 3), { maxTurns: 400 });
        await turns(3); // unhandled-rejection reports come a macrotask after the rejection

        const problems: string[] = [];
        for (const call of calls) problems.push(...call.problems());
        const outcome = connect.outcome;
        if (legacy && task !== undefined) problems.push('a task was returned below 1.7.0');
        if (!legacy && outcome?.kind === 'success' && task === undefined) problems.push('success without a task');
        if (outcome?.kind === 'fail' && /parameter error|invalid url/.test(outcome.errMsg)) {
          if (task !== undefined) problems.push(`a task was returned for ${outcome.errMsg}`);
          if (network.requests.length > 0) problems.push(`the network was touched for ${outcome.errMsg}`);
        }
        if (task !== undefined) {
          problems.push(...eventProblems('task', events, network.requests.length > 0, task.readyState));
          const names = (list: TaskEvent[]) => list.map((event) => event.name).join(' ');
          if (names(globalEvents) !== names(events))
            problems.push(`global listeners saw [${names(globalEvents)}], the task [${names(events)}]`);
        } else {
          problems.push(
            ...eventProblems(
              'global',
              globalEvents,
              network.requests.length > 0 && outcome?.kind === 'success',
              globalEvents.length > 0 ? 3 : undefined,
            ),
          );
        }
        problems.push(...requestProblems(network));
        problems.push(...network.misuse);
        if (!network.quiet) problems.push(`${network.live.size} connection(s) never released`);
        problems.push(...reports.internal());
        const transportReports = reports.transport();
        if (transportReports.length !== network.transportFaults)
          problems.push(`${network.transportFaults} transport fault(s), reported: [${transportReports.join('; ')}]`);
        problems.push(...(await slotProblems(wx, network, env)));
        problems.push(...(await invariants.problems('connectSocket')));
        assertNoProblems(problems);
      }),
      propertyParameters(3000),
    );
  } finally {
    invariants.stop();
  }
});
