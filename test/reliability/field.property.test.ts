/**
 * Property, over real sockets (contract §8): sockets opened, used and closed while the emulated phone hides, shows,
 * suspends (at once or after a random delay), goes offline, comes back, switches networks and weakens its link (the
 * Node transport then shapes the bytes), in any interleaving.
 * Every task's events form one valid sequence with exactly one terminal event; nothing reaches the mini program while
 * it is suspended; a socket the suspension ended reports `{1000, "interrupted"}` and no `onError`; every call ends
 * exactly once; and once everything has settled no socket, server connection or timer is left (checked through the
 * process's active handles).
 */
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createWx, phoneOf } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { turns, until } from '../helpers/leaks.js';
import { Reports, eventProblems, type TaskEvent } from './oracle.js';

const operation = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ type: 'connect' as const }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('send' as const), task: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('close' as const), task: fc.nat(5) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('wait' as const), turns: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('phone' as const),
      action: fc.constantFrom('hide', 'show', 'suspend', 'offline', 'online', 'wifi', '4g', 'weaken', 'strengthen'),
    }),
  },
);

let server: TestServer;
before(async () => {
  server = await createTestServer({ handler: echo });
});
after(() => server.close());

/** One task under observation: its events, with the app's state at each, and its calls' callbacks. */
interface Observed {
  readonly task: SocketTask;
  readonly events: TaskEvent[];
  /** Whether `connectSocket` succeeded (the task was created to connect, not refused). */
  created: boolean;
}

test('§8 random interleavings of app lifecycle, network changes and socket calls end every task once and leak nothing', async () => {
  const invariants = new Invariants();
  let order = 0;
  const stamp = () => ++order;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('android' as const, 'ios' as const),
        fc.constantFrom(0, 2, 5000),
        fc.array(operation, { minLength: 1, maxLength: 16 }),
        async (platform, suspendDelay, operations) => {
          const reports = new Reports();
          const wx = createWx({ platform, suspendDelay, reportError: reports.report });
          const phone = phoneOf(wx);
          const problems: string[] = [];
          const observed: Observed[] = [];
          /** Every callback of every call, by call: `success`/`fail`/`complete` counts. */
          const calls: { label: string; counts: Record<string, number> }[] = [];
          const watch = (label: string) => {
            const counts: Record<string, number> = { success: 0, fail: 0, complete: 0 };
            calls.push({ label, counts });
            const during = (name: string) => () => {
              counts[name]! += 1;
              if (phone.state.app === 'suspended') problems.push(`${label}: ${name} delivered while suspended`);
            };
            return { success: during('success'), fail: during('fail'), complete: during('complete') };
          };
          const appEvents: string[] = [];
          wx.onAppShow(() => appEvents.push('show'));
          wx.onAppHide(() => appEvents.push('hide'));

          for (const op of operations) {
            if (op.type === 'wait') await turns(op.turns);
            else if (op.type === 'connect') {
              const index = observed.length;
              const callbacks = watch(`connect ${index}`);
              const entry: Observed = {
                task: undefined as unknown as SocketTask,
                events: [],
                created: false,
              };
              const task = wx.connectSocket({
                url: server.url,
                ...callbacks,
                success: () => {
                  entry.created = true;
                  callbacks.success();
                },
              });
              Object.assign(entry, { task });
              const record = (name: TaskEvent['name']) => (result: unknown) => {
                entry.events.push({ name, result, order: stamp() });
                if (phone.state.app === 'suspended') problems.push(`task ${index}: ${name} delivered while suspended`);
              };
              task.onOpen(record('open'));
              task.onMessage(record('message'));
              task.onError(record('error'));
              task.onClose(record('close'));
              observed.push(entry);
            } else if (op.type === 'send' || op.type === 'close') {
              const entry = observed[op.task % Math.max(observed.length, 1)];
              if (!entry) continue;
              const callbacks = watch(`${op.type} on task ${observed.indexOf(entry)}`);
              if (op.type === 'send') void entry.task.send({ data: 'ping', ...callbacks });
              else void entry.task.close({ ...callbacks });
            } else {
              const { action } = op;
              if (action === 'wifi' || action === '4g') phone.setNetworkType(action);
              else if (action === 'weaken') phone.weaken({ latency: 5, jitter: 5, bandwidth: 64_000 });
              else phone[action]();
            }
          }

          // Bring the phone back, close whatever is still open, and let every task end.
          phone.show();
          phone.online();
          await turns(3);
          for (const { task } of observed) void task.close({});
          const settled = await until(
            () => observed.every(({ created, events }) => !created || events.some((event) => event.name === 'close')),
            { maxMs: 5000 },
          );
          if (!settled) problems.push('some task never ended');
          await until(() => calls.every(({ counts }) => counts['complete'] === 1), { maxMs: 2000 });

          observed.forEach(({ task, events, created }, index) => {
            problems.push(...eventProblems(`task ${index}`, events, created, task.readyState));
            const close = events.find((event) => event.name === 'close')?.result as
              { code: number; reason: string } | undefined;
            if (close?.reason === 'interrupted') {
              if (close.code !== 1000) problems.push(`task ${index}: interrupted with code ${close.code}`);
              if (events.some((event) => event.name === 'error'))
                problems.push(`task ${index}: onError on a socket the suspension ended`);
            }
          });
          for (const { label, counts } of calls) {
            if (counts['success']! + counts['fail']! !== 1 || counts['complete'] !== 1)
              problems.push(`${label}: callbacks ${JSON.stringify(counts)}`);
          }
          problems.push(...reports.internal());
          if (appEvents.length > 0 && appEvents[0] !== 'hide') problems.push(`app events start with ${appEvents[0]}`);
          for (let i = 1; i < appEvents.length; i++) {
            if (appEvents[i] === appEvents[i - 1])
              problems.push(`two ${appEvents[i]} in a row: ${appEvents.join(', ')}`);
          }
          problems.push(...(await invariants.problems('after the case')));
          assertNoProblems(problems);
        },
      ),
      propertyParameters(40),
    );
  } finally {
    invariants.stop();
  }
});
