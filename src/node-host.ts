/**
 * On Node, the core's real timers (host-timers.ts) come from `node:timers`: jest runs tests in a sandbox whose
 * globals its fake timers replace, while the built-in module it hands to the sandbox stays the real one. Timeouts of
 * the same delay share one Node timer (deadlines.ts). Imported by the Node entry points (`wxsocket`,
 * `wxsocket/testing`) and the `ws` transport.
 */
import * as timers from 'node:timers';
import { cancel, deadline } from './deadlines.js';
import { hostTimers, unfaked } from './host-timers.js';

hostTimers.setTimeout = deadline;
hostTimers.clearTimeout = cancel;
const hostSetImmediate = unfaked('setImmediate', timers.setImmediate);
hostTimers.setImmediate = hostSetImmediate;
hostTimers.starts = queueStart;

/** Connection starts queued in the current turn, run in order on one macrotask (task-controller.ts). */
let queuedStarts: (() => void)[] | undefined;

function queueStart(start: () => void): void {
  if (queuedStarts) return void queuedStarts.push(start);
  queuedStarts = [start];
  hostSetImmediate(runStarts);
}

function runStarts(): void {
  const queued = queuedStarts ?? [];
  queuedStarts = undefined;
  // Walked by index: `shift` on an array this long (a storm's) copies the rest each time, O(n²).
  let next = 0;
  try {
    while (next < queued.length) queued[next++]!();
  } finally {
    // A start that threw (none should: a transport's failure is reported, not thrown) leaves the rest to a later turn.
    while (next < queued.length) queueStart(queued[next++]!);
  }
}

/** Milliseconds since the epoch by the real clock (deadlines.ts says why). */
export { now as hostNow } from './deadlines.js';
