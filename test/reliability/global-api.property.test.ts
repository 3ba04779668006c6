/**
 * Property: the global socket API (`wx.onSocket*`, `wx.sendSocketMessage`, `wx.closeSocket`, and `wx.connectSocket`
 * making sockets current) in any sequence, on any base library version (below 1.7.0 too, where sockets replace each
 * other), with any options and unbound: nothing throws, every call ends in exactly one of success/fail then one
 * complete or returns a Promise that settles (2.10.2+), every task keeps a valid event sequence, the global listeners
 * see well-formed results, and no connection, timer or unhandled rejection is left behind. Scripted network only.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import type { SocketTask, Wx } from '../../src/types.js';
import { FakeNetwork, fakeUrl, type Behaviour } from './fake-network.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { bagSpec, buildBag, foreignThis, nastyString, optionValue, resolve } from './hostile.js';
import { turns, until } from '../helpers/leaks.js';
import { ObservedCall, Reports, eventProblems, type TaskEvent } from './oracle.js';
import { VERSIONS, environment, slotProblems, wxFor } from './scenario.js';

const BEHAVIOURS: Behaviour[] = [
  'open',
  'open-then-message',
  'hang',
  'open-then-server-close',
  'open-then-drop',
  'refuse',
  'bad-upgrade',
];

const operation = fc.oneof(
  fc.record({
    kind: fc.constant('connect' as const),
    behaviour: fc.constantFrom(...BEHAVIOURS),
    callbacks: bagSpec({}, fc.constant('plain' as const)),
  }),
  fc.record({
    kind: fc.constant('listen' as const),
    event: fc.constantFrom('onSocketOpen', 'onSocketMessage', 'onSocketError', 'onSocketClose'),
    listener: fc.constantFrom('recording', 'throwing', 'non-function'),
  }),
  fc.record({
    kind: fc.constant('send' as const),
    spec: bagSpec({ data: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(new ArrayBuffer(4)), optionValue) }),
    receiver: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: foreignThis }),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    spec: bagSpec({
      code: fc.oneof(fc.constantFrom(1000, 3001, 999, 4999), optionValue),
      reason: fc.oneof(fc.constantFrom('', 'bye', 'r'.repeat(124)), nastyString),
    }),
    receiver: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: foreignThis }),
  }),
  fc.record({ kind: fc.constant('wait' as const), turns: fc.integer({ min: 1, max: 3 }) }),
);

test('§0/§3 global API: any sequence of calls ends each call once, keeps every task valid, and leaves nothing behind', async () => {
  const invariants = new Invariants();
  let order = 0;
  const stamp = () => ++order;
  try {
    await fc.assert(
      fc.asyncProperty(
        environment,
        fc.array(operation, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (env, operations, awaitPromises) => {
          const network = new FakeNetwork();
          const reports = new Reports(env.throwingReporter);
          const wx: Wx = wxFor(env, network, reports);
          const promiseStyle = VERSIONS.indexOf(env.SDKVersion) >= VERSIONS.indexOf('2.10.4');
          const calls: ObservedCall[] = [];
          const tasks: Array<{ task: SocketTask; events: TaskEvent[]; connecting: boolean }> = [];
          const globalEvents: TaskEvent[] = [];
          const problems: string[] = [];
          const names = {
            onSocketOpen: 'open',
            onSocketMessage: 'message',
            onSocketError: 'error',
            onSocketClose: 'close',
          } as const;

          for (const op of operations) {
            switch (op.kind) {
              case 'connect': {
                const bag = buildBag({
                  ...op.callbacks,
                  fields: [{ key: 'url', value: fakeUrl(op.behaviour), how: 'data' }],
                });
                const call = new ObservedCall('connectSocket', bag, bag.hasCallbackKey, false).run(
                  (value) => wx.connectSocket(value as never),
                  true,
                );
                calls.push(call);
                const task = call.returned as SocketTask | undefined;
                if (task) {
                  const events: TaskEvent[] = [];
                  task.onOpen((result) => void events.push({ name: 'open', result, order: stamp() }));
                  task.onMessage((result) => void events.push({ name: 'message', result, order: stamp() }));
                  task.onError((result) => void events.push({ name: 'error', result, order: stamp() }));
                  task.onClose((result) => void events.push({ name: 'close', result, order: stamp() }));
                  // A task over the limit is CLOSED at once and never touches the network (§6).
                  tasks.push({ task, events, connecting: task.readyState === 0 });
                }
                break;
              }
              case 'listen': {
                const name = names[op.event];
                const record = (result: unknown) => void globalEvents.push({ name, result, order: stamp() });
                const listener =
                  op.listener === 'recording'
                    ? record
                    : op.listener === 'throwing'
                      ? (result: unknown) => {
                          record(result);
                          throw new Error('global listener throws');
                        }
                      : 'not a function';
                try {
                  // Unbound, as old libraries call them.
                  const on = wx[op.event];
                  on(listener as never);
                } catch (error) {
                  problems.push(`${op.event} threw ${String(error)}`);
                }
                break;
              }
              case 'send':
              case 'close': {
                const bag = buildBag(op.spec);
                const honoured = bag.isPlainObject && bag.hasCallbackKey;
                const method = op.kind === 'send' ? wx.sendSocketMessage : wx.closeSocket;
                const receiver = resolve(op.receiver);
                calls.push(
                  new ObservedCall(
                    `wx.${op.kind === 'send' ? 'sendSocketMessage' : 'closeSocket'}`,
                    bag,
                    honoured,
                    promiseStyle && !honoured,
                  ).run((value) => (method as Function).call(receiver, value), awaitPromises),
                );
                break;
              }
              case 'wait':
                await turns(op.turns);
                break;
            }
          }
          await turns(2);
          network.teardown();
          await until(() => network.quiet && tasks.every(({ task }) => task.readyState === 3), { maxTurns: 400 });
          await turns(3);

          for (const call of calls) problems.push(...call.problems());
          for (const [index, { task, events, connecting }] of tasks.entries())
            problems.push(...eventProblems(`task ${index}`, events, connecting, task.readyState));
          for (const { name, result } of globalEvents) {
            const payload = result as Record<string, unknown>;
            if (name === 'open' && 'profile' in payload) problems.push('onSocketOpen got a profile');
            if (name === 'close' && (typeof payload['code'] !== 'number' || typeof payload['reason'] !== 'string'))
              problems.push('onSocketClose without code and reason');
            if (name === 'error' && typeof payload['errMsg'] !== 'string')
              problems.push('onSocketError without errMsg');
          }
          const opened = calls.filter((call) => call.label === 'connectSocket').length;
          const closes = globalEvents.filter((event) => event.name === 'close').length;
          if (closes > opened) problems.push(`${closes} onSocketClose for ${opened} sockets`);
          problems.push(...network.misuse);
          if (!network.quiet) problems.push(`${network.live.size} connection(s) never released`);
          problems.push(...reports.internal());
          problems.push(...(await slotProblems(wx, network, env)));
          problems.push(...(await invariants.problems('global API')));
          assertNoProblems(problems);
        },
      ),
      propertyParameters(1500),
    );
  } finally {
    invariants.stop();
  }
});
