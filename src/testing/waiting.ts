/**
 * Awaitable queues for the test kit: events are kept until someone asks for them, so a test never misses one that
 * happened before it started waiting, and every wait is bounded by a timeout so a broken test fails instead of hanging.
 *
 * The timeouts run on the host's real clock (host-timers.ts): a test that fakes timers still gets its failure after
 * `timeout` real milliseconds instead of a wait that never ends.
 */
import { hostTimers, type TimerHandle } from '../host-timers.js';
import { MILLISECONDS, firstUnknownKey, isMilliseconds, unknownOption } from '../option-keys.js';

/** Options of every `next*`/`waitFor*` helper. */
export interface WaitOptions {
  /** Milliseconds to wait before rejecting. Default: 5000. `Infinity` waits for ever. */
  timeout?: number;
}

/** What is wrong with a wait's options (an unknown key, a timeout no timer can wait), or `undefined`. */
function waitOptionsProblem(options: WaitOptions): string | undefined {
  if (typeof options !== 'object' || options === null) return 'options must be an object such as {timeout: 1000}';
  const unknown = firstUnknownKey(options, ['timeout']);
  if (unknown !== undefined) return unknownOption(unknown, ['timeout']);
  const { timeout } = options;
  // A finite timeout must fit a timer: Node fires a longer one after 1 ms.
  if (timeout !== undefined && !(timeout === Infinity || isMilliseconds(timeout)))
    return `timeout must be ${MILLISECONDS[1]}, or Infinity`;
  return undefined;
}

/** How long a helper waits when no `timeout` is given. */
const DEFAULT_WAIT_TIMEOUT = 5000;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A first-in first-out queue whose `next()` resolves with the oldest unclaimed item, waiting for one if needed.
 * Once `end(reason)` is called, waits that nothing can satisfy any more reject with that reason.
 */
export class WaitQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #ended: (() => Error) | undefined;

  /** Adds an item: hands it to the oldest waiter, or keeps it. */
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#items.push(item);
    else waiter.resolve(item);
  }

  /** No more items will come: pending and later waits (once the kept items are claimed) reject. */
  end(reason: () => Error): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason());
  }

  /** Resolves with the oldest unclaimed item. `what` names it in the timeout error. */
  next(what: string, options: WaitOptions = {}): Promise<T> {
    const problem = waitOptionsProblem(options);
    if (problem !== undefined) return Promise.reject(new TypeError(`waiting for ${what}: ${problem}`));
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    if (this.#ended !== undefined) return Promise.reject(this.#ended());
    return withTimeout(what, options, (resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject };
      this.#waiters.push(waiter);
      return () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
      };
    });
  }
}

/**
 * Runs `start(resolve, reject)` and rejects with a timeout error after `options.timeout` ms; `start` returns a
 * function that forgets the waiter, called on timeout. The timer is always cleared.
 */
export function withTimeout<T>(
  what: string,
  options: WaitOptions,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void,
): Promise<T> {
  const problem = waitOptionsProblem(options);
  if (problem !== undefined) return Promise.reject(new TypeError(`waiting for ${what}: ${problem}`));
  const timeout = options.timeout ?? DEFAULT_WAIT_TIMEOUT;
  return new Promise<T>((resolve, reject) => {
    let timer: TimerHandle | undefined;
    let settled = false;
    const forget = start(
      (value) => {
        settled = true;
        hostTimers.clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        settled = true;
        hostTimers.clearTimeout(timer);
        reject(error);
      },
    );
    if (!settled && Number.isFinite(timeout)) {
      timer = hostTimers.setTimeout(() => {
        forget();
        reject(new Error(`Timed out after ${timeout} ms waiting for ${what}`));
      }, timeout);
    }
  });
}
