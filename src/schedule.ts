/**
 * Deferral. WeChat's callbacks and events come through an asynchronous bridge, so nothing a call causes runs
 * before the call returns (contract §0.1).
 */

import { hostTimers } from './host-timers.js';

/**
 * Runs `task` on a later macrotask: after the current turn and its microtasks, so listeners attached right after a
 * call are in place. `setImmediate` where the platform has it (Node: no 1 ms clamp as with `setTimeout(fn, 0)`),
 * else `setTimeout`. The host's real ones: WeChat's bridge does not run on the page's clock, so a test's fake timers
 * must not hold back socket events (host-timers.ts).
 */
export function later(task: () => void): void {
  const { setImmediate } = hostTimers;
  if (setImmediate) setImmediate(task);
  else hostTimers.setTimeout(task, 0);
}
