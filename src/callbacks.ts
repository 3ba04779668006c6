/**
 * How every API call ends: exactly one of `success`/`fail`, then `complete`, all with the same result object
 * (contract §0.2), or a Promise when the API returns one (§2, §3). Results are data built here; user code runs
 * through `invokeSafely`.
 */
import type { DeliveryGate } from './delivery-gate.js';
import { isParameterError } from './errmsg.js';
import { later } from './schedule.js';
import { isPlainObject } from './values.js';
import { invokeSafely, reportSafely, type ErrorReporter } from './report.js';

/** The `{errMsg}` object every callback receives, plus any API-specific fields. */
export interface CallResult {
  errMsg: string;
  [field: string]: unknown;
}

/** The callbacks of one call, read once from its options. A value that is not a function is ignored [lib]. */
type Callbacks = { readonly [K in (typeof CALLBACK_KEYS)[number]]?: Function };

const CALLBACK_KEYS = ['success', 'fail', 'complete'] as const;

/**
 * Whether any of the keys `success`/`fail`/`complete` is present: `'success' in options`, so `{success:
 * undefined}` counts, as in WeChat's promisify check [doc/lib]. A proxy whose `has` trap throws counts as present,
 * so the call takes the callback path and cannot leave a rejected Promise behind.
 */
function hasCallbackKeys(options: object): boolean {
  try {
    // Spelled out, not a loop over the keys: this runs on every `send`, and the loop costs it twice as much.
    return 'success' in options || 'fail' in options || 'complete' in options;
  } catch {
    return true;
  }
}

/** Reads the callbacks, each read guarded: a getter that throws counts as no callback. */
function readCallbacks(options: object): Callbacks {
  const callbacks: Record<string, Function | undefined> = {};
  for (const key of CALLBACK_KEYS) {
    try {
      const value: unknown = (options as Record<string, unknown>)[key];
      if (typeof value === 'function') callbacks[key] = value;
    } catch {
      // no callback
    }
  }
  return callbacks as Callbacks;
}

/** One call's way to its end: its callbacks or, without them, a Promise. Settles at most once. */
class Completion {
  readonly #api: string;
  readonly #report: ErrorReporter;
  readonly #callbacks: Callbacks | undefined;
  readonly #gate: DeliveryGate | undefined;
  #settled = false;
  #resolve: ((result: CallResult) => void) | undefined;
  #reject: ((result: CallResult) => void) | undefined;
  /** The Promise handed to the caller, when the call has no callbacks and returns one. */
  readonly promise: TrackedPromise<CallResult> | undefined;

  constructor(api: string, report: ErrorReporter, callbacks?: Callbacks, gate?: DeliveryGate) {
    this.#api = api;
    this.#report = report;
    this.#callbacks = callbacks;
    this.#gate = gate;
    if (callbacks) return;
    this.promise = new TrackedPromise<CallResult>(
      (resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      },
      [report, `unhandled rejection of ${api}`],
    );
  }

  /**
   * Ends the call with `success` or `fail`, then `complete` (or resolves or rejects). Runs user code now: call it
   * from a later turn only.
   */
  settle(result: CallResult, succeeded: boolean): void {
    if (this.#settled) return;
    // A suspended app gets no result until it shows again (§8.1).
    if (this.#gate?.hold(() => this.settle(result, succeeded))) return;
    this.#settled = true;
    const callbacks = this.#callbacks;
    if (callbacks) {
      for (const kind of [succeeded ? 'success' : 'fail', 'complete'] as const) {
        const callback = callbacks[kind];
        if (callback) invokeSafely(callback, result, this.#report, `${this.#api} ${kind} callback`);
      }
    } else {
      (succeeded ? this.#resolve : this.#reject)?.(result);
    }
  }

  /** Ends the call on a later turn, for results known before the call returns (contract §0.1). */
  settleLater(result: CallResult, succeeded: boolean): void {
    // A promise job rather than `queueMicrotask`, which jest's default fake timers replace (host-timers.ts).
    void Promise.resolve().then(() => this.settle(result, succeeded));
  }
}

/** Where a promise's unhandled rejection goes. */
type Watch = readonly [report: ErrorReporter, where: string];

/**
 * A Promise that never ends the process when nobody handles its rejection (contract §0.8), and whose derived
 * promises (`then`, `catch`, `finally`: `task.send({data}).then(fn)`) behave the same, as in WeChat, whose console
 * only logs an unhandled rejection. Each is marked handled at once; if it is rejected and nobody attached a handler by
 * the next macrotask, the rejection goes to the reporter. `await`, `then`, `catch` and `finally` all reach `then` on
 * an instance, which is how a handler is known; a promise built around one (`Promise.all`, an `async` function's
 * own promise) is a plain promise and behaves like any other.
 */
class TrackedPromise<T> extends Promise<T> {
  #handled = false;
  /** Where an unhandled rejection goes; unset on the promises `finally` makes internally, whose chains are handled. */
  #watched: Watch | undefined;

  /** `watched` is absent when `then` makes a derived promise (`Symbol.species`); `then` then watches it. */
  constructor(
    executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void,
    watched?: Watch,
  ) {
    super(executor);
    if (watched) this.#watch(watched);
  }

  /** Marks the promise handled (for the process) and reports its rejection if the caller does not handle it. */
  #watch(watched: Watch): void {
    this.#watched = watched;
    // The prototype's `then`: this internal handler does not count as the caller's.
    void Promise.prototype.then.call(this, undefined, (reason: unknown) =>
      later(() => this.#handled || reportSafely(watched[0], reason, watched[1])),
    );
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#handled = true;
    // A TrackedPromise too (`Symbol.species` is this class), watched like this one.
    const derived = super.then(onFulfilled, onRejected) as TrackedPromise<R1 | R2>;
    if (this.#watched) derived.#watch(this.#watched);
    return derived;
  }
}

/**
 * The options of `send`/`close` calls: a plain object, or `undefined` for anything else, which carries no callbacks.
 */
export function plainOptions(option: unknown): object | undefined {
  return isPlainObject(option) ? option : undefined;
}

/**
 * The completion of a call, or `undefined` when nobody is listening (no callbacks, no Promise): the common
 * `task.send({data})` then allocates nothing for its result. `gate` holds the result while the app is suspended.
 */
export function completionFor(
  api: string,
  options: object | undefined,
  report: ErrorReporter,
  promiseWithoutCallbacks: boolean,
  gate?: DeliveryGate,
): Completion | undefined {
  if (options && hasCallbackKeys(options)) return new Completion(api, report, readCallbacks(options), gate);
  return promiseWithoutCallbacks ? new Completion(api, report, undefined, gate) : undefined;
}

/**
 * Fails a call on a later turn with a whole `errMsg`; returns its Promise, if it has one. A parameter error also
 * carries `errno: 1001` (§9.1) [lib 2.30.3]; no other failure has an `errno`.
 */
export function failLater(completion: Completion | undefined, errMsg: string): Promise<CallResult> | void {
  if (!completion) return;
  completion.settleLater(isParameterError(errMsg) ? { errMsg, errno: 1001 } : { errMsg }, false);
  return completion.promise;
}
