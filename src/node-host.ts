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
hostTimers.setImmediate = unfaked('setImmediate', timers.setImmediate);

/** Milliseconds since the epoch by the real clock (deadlines.ts says why). */
export { now as hostNow } from './deadlines.js';
