/**
 * Deferral. WeChat's callbacks and events come through an asynchronous bridge, so nothing a call causes runs
 * before the call returns (contract §0.1).
 */

/**
 * Runs `task` on a later macrotask: after the current turn and its microtasks, so listeners attached right after a
 * call are in place. `setImmediate` where the platform has it (Node: no 1 ms clamp as with `setTimeout(fn, 0)`),
 * else `setTimeout`. Both are globals, not imports, so the core stays free of Node built-ins.
 */
export const later: (task: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (task) => void globalThis.setImmediate(task)
    : (task) => void globalThis.setTimeout(task, 0);
