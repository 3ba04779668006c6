/**
 * On Node, the core's real timers (host-timers.ts) come from `node:timers`, and the handshake timeouts share one timer
 * per delay (deadlines.ts): jest runs tests in a sandbox whose
 * globals its fake timers replace, while the built-in module it hands to the sandbox stays the real one. Imported by
 * the Node entry points (`wxsocket`, `wxsocket/testing`) and the `ws` transport.
 */
import * as timers from 'node:timers';
import { cancel, deadline } from './deadlines.js';
import { hostTimers, unfaked } from './host-timers.js';

hostTimers.setTimeout = unfaked('setTimeout', timers.setTimeout);
hostTimers.clearTimeout = unfaked('clearTimeout', timers.clearTimeout);
hostTimers.setImmediate = unfaked('setImmediate', timers.setImmediate);
hostTimers.setDeadline = deadline;
hostTimers.clearDeadline = cancel as (handle: unknown) => void;

/**
 * Milliseconds since the epoch by the real clock: fake timers fake `Date` too, while TLS checks certificates and
 * WeChat stamps `profile` by the real one.
 */
export const hostNow: () => number = unfaked('Date', Date).now;
