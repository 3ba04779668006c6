/**
 * Options of `createReliableSocket`, their defaults, and their validation. Invalid options throw a
 * {@link ReliableSocketOptionsError} at creation, never later.
 */
import { utf8Length } from '../bytes.js';
import { MAX_TIMER_DELAY, firstUnknownKey, isMilliseconds, unknownOption } from '../option-keys.js';
import type { WxConnectOptions } from './wx-like.js';

/** Data a socket carries: text or binary, as WeChat's `SocketTask.send` takes it. */
export type SocketData = string | ArrayBuffer;

/** The timer functions the socket uses. Inject them to drive time in tests; default: the global ones. */
export interface Timers {
  setTimeout(callback: () => void, delay: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What to do with a message sent while not open when the queue is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/** The send queue: messages kept while the socket is not open. */
export interface QueueOptions {
  /** Most messages kept while not open. `0` disables queueing. Default 100. */
  limit?: number;
  /**
   * When full: `'drop-oldest'` (default) evicts the oldest waiting message to make room (reported with a `drop`
   * event); `'drop-newest'` refuses the new one (`send` returns `'dropped'`).
   */
  overflow?: OverflowPolicy;
  /**
   * What happens to waiting messages when a connection is lost: `'keep'` (default) carries them to the next
   * connection; `'drop'` drops them (for data that is stale once the connection is back, e.g. positions).
   */
  onDisconnect?: 'keep' | 'drop';
}

/** The application heartbeat (mini programs cannot send WebSocket pings) and dead-connection detection. */
export interface HeartbeatOptions {
  /**
   * What to send every `interval` ms while open. A function is called for each heartbeat (e.g. to put a timestamp
   * in). Omit it when the server sends heartbeats of its own: the socket then only watches for silence.
   */
  message?: SocketData | (() => SocketData);
  /** Milliseconds between heartbeats. Default 25000. */
  interval?: number;
  /**
   * Milliseconds without any incoming message after which the connection is dead: it is closed with code 4000 and
   * replaced. Default: twice `interval`.
   */
  timeout?: number;
  /**
   * Recognises the server's heartbeat replies: those are not emitted as `message` events. Every incoming message
   * (reply or not) proves the connection alive.
   */
  isReply?: (data: SocketData) => boolean;
}

/** Reconnection with exponential backoff and jitter. */
export interface ReconnectOptions {
  /** Delay before the first reconnection attempt, in ms. Default 1000. */
  initialDelay?: number;
  /** Largest delay, in ms. Default 30000. */
  maxDelay?: number;
  /** Each failed attempt multiplies the delay by this. Default 2. */
  factor?: number;
  /**
   * Fraction of each delay that is random, from 0 (none) to 1 (delay anywhere between 0 and the computed one):
   * `delay = base × (1 − jitter × random())`. Default 0.5.
   */
  jitter?: number;
  /** Consecutive failed attempts after which the socket gives up and closes for good. Default `Infinity`. */
  maxRetries?: number;
  /** A connection open this long (ms) counts as stable: the backoff starts again from `initialDelay`. Default 5000. */
  minUptime?: number;
  /** Whether to reconnect after the server closed the connection with this code and reason. Default: always. */
  shouldReconnect?: (close: { code: number; reason: string }) => boolean;
}

/** The context the `restore` hook receives. */
export interface RestoreContext {
  /**
   * Sends on the new connection right away, before the queued messages. Such messages belong to this connection
   * only: they are never queued nor sent again (the hook runs again on the next connection).
   */
  send(data: SocketData): void;
  /** False for the first connection, true for every one after it. */
  readonly reconnected: boolean;
}

/** Options of {@link createReliableSocket}. */
export interface ReliableSocketOptions {
  /** The `ws://`/`wss://` URL, or a function called before each attempt (e.g. to put a fresh token in). */
  url: string | (() => string);
  /** Passed to every `wx.connectSocket` call: `header`, `protocols`, `timeout`, … */
  connect?: WxConnectOptions;
  /** The queue of messages sent while not open. */
  queue?: QueueOptions;
  /** The application heartbeat. Default: none (no heartbeat, no dead-connection detection). */
  heartbeat?: HeartbeatOptions;
  /** Reconnection, or `false` to never reconnect (the first loss closes the socket for good). */
  reconnect?: ReconnectOptions | false;
  /**
   * Called on every open, before the queued messages are sent: log in again, resubscribe. Sends through the context
   * go first, on this connection only.
   */
  restore?: (context: RestoreContext) => void;
  /** Close while the mini program is in the background (`wx.onAppHide`), reconnect on `wx.onAppShow`. Default true. */
  pauseInBackground?: boolean;
  /**
   * How long to wait for a task asked to close to report `onClose` before giving it up (ms). Default 10000. Only a
   * platform that never ends a task needs it; see docs/reliable.md.
   */
  closeTimeout?: number;
  /** Timer functions, for tests. Default: the global `setTimeout`/`clearTimeout`. */
  timers?: Timers;
  /** A random number in [0, 1) for the jitter, for tests. Default `Math.random`. */
  random?: () => number;
  /** Receives what a listener or hook threw (the socket goes on). Default: `console.error`. */
  onListenerError?: (error: unknown, where: string) => void;
}

/** An option of `createReliableSocket` is invalid. `option` names it, e.g. `reconnect.factor`. */
export class ReliableSocketOptionsError extends TypeError {
  readonly code = 'WXSOCKET_RELIABLE_INVALID_OPTION';
  override readonly name = 'ReliableSocketOptionsError';

  /** `problem` follows the option's name, unless `whole` says it names the option itself (unknown options). */
  constructor(
    readonly option: string,
    problem: string,
    whole = false,
  ) {
    super(`createReliableSocket: ${whole ? problem : `${option} ${problem}`}`);
  }
}

/** The options with every default filled in. */
export interface Settings {
  readonly url: () => string;
  readonly connect: WxConnectOptions;
  readonly queue: Required<QueueOptions>;
  readonly heartbeat:
    | {
        readonly message: (() => SocketData) | undefined;
        readonly interval: number;
        readonly timeout: number;
        readonly isReply: ((data: SocketData) => boolean) | undefined;
      }
    | undefined;
  readonly reconnect:
    | (Required<Omit<ReconnectOptions, 'shouldReconnect'>> & {
        readonly shouldReconnect: ReconnectOptions['shouldReconnect'];
      })
    | undefined;
  readonly restore: ReliableSocketOptions['restore'];
  readonly pauseInBackground: boolean;
  readonly closeTimeout: number;
  readonly timers: Timers;
  readonly random: () => number;
  readonly onListenerError: (error: unknown, where: string) => void;
}

/**
 * The global timers, looked up at each call: in WeChat they are the page's own timers, so a test runner's fake timers
 * drive them, even when installed after this module loaded (docs/decisions.md, Timing).
 */
const globalTimers: Timers = {
  setTimeout: (callback, delay) => globalThis.setTimeout(callback, delay),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

const consoleListenerError = (error: unknown, where: string): void => {
  console.error(`wxsocket/reliable: ${where} threw`, error);
};

/** Every option, checked against the type: a key missing here or unknown there does not compile. */
const OPTION_KEYS = Object.keys({
  url: 1,
  connect: 1,
  queue: 1,
  heartbeat: 1,
  reconnect: 1,
  restore: 1,
  pauseInBackground: 1,
  closeTimeout: 1,
  timers: 1,
  random: 1,
  onListenerError: 1,
} satisfies Record<keyof ReliableSocketOptions, 1>);
const QUEUE_KEYS = Object.keys({ limit: 1, overflow: 1, onDisconnect: 1 } satisfies Record<keyof QueueOptions, 1>);
const HEARTBEAT_KEYS = Object.keys({ message: 1, interval: 1, timeout: 1, isReply: 1 } satisfies Record<
  keyof HeartbeatOptions,
  1
>);
const RECONNECT_KEYS = Object.keys({
  initialDelay: 1,
  maxDelay: 1,
  factor: 1,
  jitter: 1,
  maxRetries: 1,
  minUptime: 1,
  shouldReconnect: 1,
} satisfies Record<keyof ReconnectOptions, 1>);

/**
 * An options object (`path` names it, `''` for the top level) with only `known` keys; `undefined` is `{}`. `connect`
 * is WeChat's `connectSocket` options and `timers` any object with the two functions: neither is checked for keys.
 */
function optionsObject<T extends object>(path: string, value: T | undefined, known: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ReliableSocketOptionsError(path || 'options', 'must be an object');
  const prefix = path && `${path}.`;
  const key = firstUnknownKey(value, known);
  if (key !== undefined) throw new ReliableSocketOptionsError(prefix + key, unknownOption(key, known, prefix), true);
  return value;
}

/** Checks the options and fills in the defaults. */
export function resolveSettings(options: ReliableSocketOptions): Settings {
  if (typeof options !== 'object' || options === null)
    throw new ReliableSocketOptionsError('options', 'must be an object');
  optionsObject('', options, OPTION_KEYS);
  const { url } = options;
  if (typeof url !== 'string' && typeof url !== 'function')
    throw new ReliableSocketOptionsError('url', 'must be a string or a function');
  const queue = optionsObject('queue', options.queue, QUEUE_KEYS);
  const overflow = queue.overflow ?? 'drop-oldest';
  if (overflow !== 'drop-oldest' && overflow !== 'drop-newest') {
    throw new ReliableSocketOptionsError('queue.overflow', "must be 'drop-oldest' or 'drop-newest'");
  }
  const onDisconnect = queue.onDisconnect ?? 'keep';
  if (onDisconnect !== 'keep' && onDisconnect !== 'drop')
    throw new ReliableSocketOptionsError('queue.onDisconnect', "must be 'keep' or 'drop'");
  return {
    url: typeof url === 'string' ? () => url : url,
    connect: { ...options.connect },
    queue: { limit: count('queue.limit', queue.limit, 100), overflow, onDisconnect },
    heartbeat: options.heartbeat === undefined ? undefined : resolveHeartbeat(options.heartbeat),
    reconnect: options.reconnect === false ? undefined : resolveReconnect(options.reconnect ?? {}),
    restore: optionalFunction('restore', options.restore),
    pauseInBackground: options.pauseInBackground ?? true,
    closeTimeout: duration('closeTimeout', options.closeTimeout, 10_000),
    timers: options.timers ?? globalTimers,
    random: optionalFunction('random', options.random) ?? Math.random,
    onListenerError: optionalFunction('onListenerError', options.onListenerError) ?? consoleListenerError,
  };
}

function resolveHeartbeat(options: HeartbeatOptions): NonNullable<Settings['heartbeat']> {
  const heartbeat = optionsObject('heartbeat', options, HEARTBEAT_KEYS);
  const { message } = heartbeat;
  if (message !== undefined && typeof message !== 'function' && !isSocketData(message)) {
    throw new ReliableSocketOptionsError('heartbeat.message', 'must be a string, an ArrayBuffer or a function');
  }
  const interval = duration('heartbeat.interval', heartbeat.interval, 25_000);
  return {
    message: message === undefined ? undefined : typeof message === 'function' ? message : () => message,
    interval,
    timeout: duration('heartbeat.timeout', heartbeat.timeout, 2 * interval),
    isReply: optionalFunction('heartbeat.isReply', heartbeat.isReply),
  };
}

function resolveReconnect(options: ReconnectOptions): NonNullable<Settings['reconnect']> {
  const reconnect = optionsObject('reconnect', options, RECONNECT_KEYS);
  const factor = reconnect.factor ?? 2;
  if (!(Number.isFinite(factor) && factor >= 1))
    throw new ReliableSocketOptionsError('reconnect.factor', 'must be a number ≥ 1');
  const jitter = reconnect.jitter ?? 0.5;
  if (!(jitter >= 0 && jitter <= 1))
    throw new ReliableSocketOptionsError('reconnect.jitter', 'must be between 0 and 1');
  const maxRetries = reconnect.maxRetries ?? Infinity;
  if (!(maxRetries === Infinity || (Number.isInteger(maxRetries) && maxRetries >= 0))) {
    throw new ReliableSocketOptionsError('reconnect.maxRetries', 'must be a whole number ≥ 0 or Infinity');
  }
  const initialDelay = duration('reconnect.initialDelay', reconnect.initialDelay, 1000, true);
  return {
    initialDelay,
    maxDelay: Math.max(initialDelay, duration('reconnect.maxDelay', reconnect.maxDelay, 30_000, true)),
    factor,
    jitter,
    maxRetries,
    minUptime: duration('reconnect.minUptime', reconnect.minUptime, 5000, true),
    shouldReconnect: optionalFunction('reconnect.shouldReconnect', reconnect.shouldReconnect),
  };
}

/**
 * A number of milliseconds a timer can wait, > 0 (or ≥ 0 when `zero` is allowed): Node fires a longer one after 1 ms.
 */
function duration(option: string, value: number | undefined, fallback: number, zero = false): number {
  if (value === undefined) return fallback;
  if (!isMilliseconds(value) || (!zero && value === 0)) {
    throw new ReliableSocketOptionsError(
      option,
      `must be a number of milliseconds ${zero ? '≥ 0' : '> 0'}, at most ${MAX_TIMER_DELAY}`,
    );
  }
  return value;
}

function count(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value === Infinity || (Number.isInteger(value) && value >= 0)))
    throw new ReliableSocketOptionsError(option, 'must be a whole number ≥ 0 or Infinity');
  return value;
}

function optionalFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new ReliableSocketOptionsError(option, 'must be a function');
  return value;
}

/** A `string`, or an `ArrayBuffer` of any realm (not a view, not a SharedArrayBuffer). */
export function isSocketData(value: unknown): value is SocketData {
  return (
    typeof value === 'string' ||
    value instanceof ArrayBuffer ||
    Object.prototype.toString.call(value) === '[object ArrayBuffer]'
  );
}

/**
 * `close(code, reason)` as WeChat accepts them (contract §2): throws a RangeError otherwise, before anything changes.
 */
export function checkCloseArguments(code: number, reason: string): void {
  if (!(code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
    throw new RangeError(`ReliableSocket.close: code must be 1000 or between 3000 and 4999, not ${code}`);
  }
  if (typeof reason !== 'string' || utf8Length(reason) > 123) {
    throw new RangeError('ReliableSocket.close: reason must be a string of at most 123 UTF-8 bytes');
  }
}
