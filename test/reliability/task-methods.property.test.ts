/**
 * Property: `SocketTask` methods (`send`, `close`, `onOpen`, `onMessage`, `onError`, `onClose`) called in any
 * order, at any moment of the task's life (connecting, open, closing, closed), with any options and with any `this`
 * (detached, another object, a revoked proxy), never throw, end every call in exactly one of success/fail then one
 * complete (or a settled Promise on profile `ios`), keep the task's event sequence valid with one terminal event,
 * and leave no connection, timer or unhandled rejection behind. Runs over the scripted network (no sockets).
 */
import { test } from 'node:test';
import fc from 'fast-check';
import type { SocketTask } from '../../src/types.js';
import { environment, isLegacy, slotProblems, wxFor } from './scenario.js';
import { FakeNetwork, fakeUrl, type Behaviour } from './fake-network.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { bagSpec, buildBag, foreignThis, nastyString, optionValue, resolve } from './hostile.js';
import { turns, until } from '../helpers/leaks.js';
import { ObservedCall, Reports, eventProblems, type TaskEvent } from './oracle.js';

/** Behaviours that give the test time to act on the task in each state. */
const TASK_BEHAVIOURS: Behaviour[] = [
  'open',
  'open-then-message',
  'hang',
  'open-then-server-close',
  'open-then-drop',
  'open-then-protocol-error',
  'refuse',
];

const SEND_FIELDS = {
  data: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.uint8Array({ maxLength: 16 }).map((bytes) => bytes.buffer),
    fc.uint8Array({ maxLength: 16 }),
    fc.constant(new DataView(new ArrayBuffer(2))),
    optionValue,
  ),
};
const CLOSE_FIELDS = {
  code: fc.oneof(fc.constantFrom(1000, 3000, 4999, 1001, 1005, 1006, 2999, 5000, 3000.5, -0), optionValue),
  reason: fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constant('é'.repeat(62)),
    fc.constant('r'.repeat(124)),
    nastyString,
    optionValue,
  ),
};

const operation = fc.record({
  wait: fc.nat(2),
  method: fc.constantFrom('send', 'close', 'onOpen', 'onMessage', 'onError', 'onClose'),
  receiver: fc.oneof(
    { weight: 6, arbitrary: fc.constant('task' as const) },
    { weight: 1, arbitrary: fc.constantFrom('foreign' as const, 'derived' as const, 'detached' as const) },
  ),
  foreign: foreignThis,
  send: bagSpec(SEND_FIELDS),
  close: bagSpec(CLOSE_FIELDS),
  listener: fc.constantFrom('function', 'throwing', 'rejecting', 'non-function'),
  awaitPromise: fc.boolean(),
});

test('§0/§2 SocketTask methods: any call, any moment, any this: one success or fail each, a valid event sequence, nothing left behind', async () => {
  const invariants = new Invariants();
  let order = 0;
  const stamp = () => ++order;
  try {
    await fc.assert(
      fc.asyncProperty(
        environment.filter((env) => !isLegacy(env)),
        fc.constantFrom(...TASK_BEHAVIOURS),
        fc.array(operation, { minLength: 1, maxLength: 6 }),
        async (env, behaviour, operations) => {
          const network = new FakeNetwork();
          const reports = new Reports(env.throwingReporter);
          const wx = wxFor(env, network, reports);
          const task = wx.connectSocket({ url: fakeUrl(behaviour) }) as SocketTask;
          const events: TaskEvent[] = [];
          for (const name of ['open', 'message', 'error', 'close'] as const) {
            const on = { open: task.onOpen, message: task.onMessage, error: task.onError, close: task.onClose }[name];
            on.call(task, (result: unknown) => void events.push({ name, result, order: stamp() }));
          }
          const iosPromises = env.platform === 'ios';
          const calls: ObservedCall[] = [];
          const problems: string[] = [];
          for (const op of operations) {
            await turns(op.wait);
            const receiver: unknown =
              op.receiver === 'task'
                ? task
                : op.receiver === 'derived'
                  ? Object.create(task)
                  : op.receiver === 'detached'
                    ? undefined
                    : resolve(op.foreign);
            const method = (task as unknown as Record<string, (...args: unknown[]) => unknown>)[op.method]!;
            // An object inheriting from the task acts as the task (as a proxy of it does: Vue's reactive()).
            const onTask = op.receiver === 'task' || op.receiver === 'derived';
            if (op.method === 'send' || op.method === 'close') {
              const bag = buildBag(op.method === 'send' ? op.send : op.close);
              // Off the task, the call cannot know its profile: callbacks only, never a Promise.
              const honoured = bag.isPlainObject && (onTask ? bag.hasCallbackKey : true);
              const expectPromise = onTask && iosPromises && !(bag.isPlainObject && bag.hasCallbackKey);
              calls.push(
                new ObservedCall(`${op.receiver} ${op.method}`, bag, honoured, expectPromise).run(
                  (value) => method.call(receiver, value),
                  op.awaitPromise,
                ),
              );
            } else {
              const listener =
                op.listener === 'function'
                  ? () => undefined
                  : op.listener === 'throwing'
                    ? () => {
                        throw new Error('listener throws');
                      }
                    : op.listener === 'rejecting'
                      ? async () => {
                          throw new Error('listener rejects');
                        }
                      : 42;
              try {
                const returned = method.call(receiver, listener);
                if (returned !== undefined) problems.push(`${op.method} returned ${String(returned)}`);
              } catch (error) {
                problems.push(`${op.receiver} ${op.method} threw ${String(error)}`);
              }
            }
          }
          await turns(2);
          network.teardown();
          await until(() => network.quiet && task.readyState === 3, { maxTurns: 400 });
          await turns(3);

          for (const call of calls) problems.push(...call.problems());
          problems.push(...eventProblems('task', events, network.requests.length > 0, task.readyState));
          problems.push(...network.misuse);
          if (!network.quiet) problems.push(`${network.live.size} connection(s) never released`);
          problems.push(...reports.internal());
          problems.push(...(await slotProblems(wx, network, env)));
          problems.push(...(await invariants.problems('task methods')));
          assertNoProblems(problems);
        },
      ),
      propertyParameters(2000),
    );
  } finally {
    invariants.stop();
  }
});
