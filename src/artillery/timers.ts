/**
 * The engine's waits (`think`, `idle`, the phone steps' pauses, timeouts) on the core's host timers: on Node
 * (node-host.ts) the timers of one delay share one Node timer (deadlines.ts), so that a waiting virtual user holds a
 * list entry (about 80 bytes) instead of a Node timer of its own (about 180, with its three numbers). Many users
 * wait the same time: a scenario's `think: 5` is 5,000 ms for all.
 */
import '../node-host.js';
import { hostTimers, type TimerHandle } from '../host-timers.js';

/** Calls `callback` after `ms` milliseconds (at least 1), unless cleared before. */
export function setTimer(callback: () => void, ms: number): TimerHandle {
  return hostTimers.setTimeout(callback, ms);
}

export function clearTimer(handle: TimerHandle): void {
  hostTimers.clearTimeout(handle);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimer(resolve, ms));
}
