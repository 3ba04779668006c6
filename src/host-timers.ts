/**
 * The host's real timers, for what happens outside the page's JavaScript in WeChat: the bridge that delivers
 * callbacks and socket events (§0.1) and the native handshake timeout (§1). The network is not the page's clock.
 *
 * Test runners' fake timers replace the globals: `jest.useFakeTimers()` fakes `setTimeout`, `setImmediate`,
 * `queueMicrotask` and `process.nextTick`; `vi.useFakeTimers()` and node:test's `mock.timers.enable()` fake
 * `setTimeout` and `setImmediate`. Were these used, a socket under test would never open. So the functions are
 * taken here, once, when wxsocket loads, which is before a test installs its fakes (microtasks are queued with
 * `Promise.resolve().then`, which no fake replaces). Fakes installed before that
 * (jest's `fakeTimers: {enableGlobally: true}`) come from @sinonjs/fake-timers (used by jest and vitest), which
 * keeps each original on the fake's clock as `_<name>`: it is taken from there. docs/decisions.md lists which timers
 * are real and which follow a fake clock.
 *
 * Globals only, no import: the core runs in browsers too. On Node, node-host.ts puts in those of `node:timers`.
 */

/** A timer handle, whatever the host's type for it. */
export type TimerHandle = unknown;

/** The timer functions the core schedules with; read `hostTimers.x` at each use. */
export interface HostTimers {
  setTimeout(callback: () => void, delay: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A macrotask without `setTimeout`'s clamp (Node), or `undefined` where the host has none (browsers). */
  setImmediate: ((callback: () => void) => TimerHandle) | undefined;
}

/**
 * `candidate`, or the original it replaced when it is a fake of @sinonjs/fake-timers (whose fakes carry their clock,
 * and the clock the original as `_<name>`).
 */
export function unfaked<F>(name: string, candidate: F): F {
  const original = (candidate as { clock?: Record<string, F> } | undefined)?.clock?.[`_${name}`];
  return typeof original === 'function' ? original : candidate;
}

/** A global function, unfaked and bound to the global (browsers refuse to run some of them on another `this`). */
const hosted = (name: string): Function | undefined =>
  unfaked(name, (globalThis as unknown as Record<string, Function | undefined>)[name])?.bind(globalThis);

export const hostTimers = {
  setTimeout: hosted('setTimeout'),
  clearTimeout: hosted('clearTimeout'),
  setImmediate: hosted('setImmediate'),
} as HostTimers;
