/**
 * Deferral. WeChat's callbacks and events come through an asynchronous bridge, so nothing a call causes runs
 * before the call returns (contract §0.1).
 */

/**
 * Runs `task` on a later macrotask: after the current turn and its microtasks, so listeners attached right after a
 * call are in place. `setImmediate` where the platform has it (Node: no 1 ms clamp as with `setTimeout(fn, 0)`),
 * else `setTimeout`. Both are globals, not imports, so the core stays free of Node built-ins.
 */
export function later(task: () => void): void {
  // Looked up at each call, so timers mocked after import (node:test `mock.timers`) are the ones used.
  (globalThis.setImmediate ?? globalThis.setTimeout)(task);
}
