/**
 * The core's timers on Node (node-host.ts), above all the handshake timeouts (contract §1): one Node timer per delay
 * rather than one per timer. Connections started together with the same timeout (60 s unless the app says
 * otherwise), as in a reconnect storm, share one timer; and one started after another has ended re-uses the timer
 * still armed, where a Node timer per connection is created and cleared each time (a timer object, its list and the
 * loop's reference to it, made and undone per connection). Deadlines of one delay fall due in the order they were
 * set, so each delay keeps a list in that order, and its Node timer is armed for the first. Node's own timers are
 * kept the same way, one list per delay, but each of them is an object with asynchronous-context ids.
 *
 * An armed timer must not keep the process alive once nothing waits: it is unreferenced when its list empties,
 * referenced again when a deadline is added. Taken from `node:timers`, unfaked, as the others (host-timers.ts).
 */
import * as timers from 'node:timers';
import { unfaked } from './host-timers.js';
import { MAX_TIMER_DELAY } from './option-keys.js';

const hostSetTimeout = unfaked('setTimeout', timers.setTimeout);
const hostClearTimeout = unfaked('clearTimeout', timers.clearTimeout);
/**
 * Milliseconds since the epoch by the real clock: fake timers fake `Date` too, while these timeouts are the
 * network's, not the page's (host-timers.ts), TLS checks certificates and WeChat stamps `profile` by the real one.
 * Exported by node-host.ts as `hostNow`.
 */
export const now: () => number = unfaked('Date', Date).now;

/** A timer set with `deadline`, which `cancel` keeps from expiring. */
export class Deadline {
  prev: Deadline | undefined;
  next: Deadline | undefined;
  constructor(
    readonly list: DeadlineList,
    readonly due: number,
    public expire: (() => void) | undefined,
  ) {}
}

/** The deadlines of one delay, earliest first. */
class DeadlineList {
  readonly #delay: number;
  #first: Deadline | undefined;
  #last: Deadline | undefined;
  #timer: ReturnType<typeof hostSetTimeout> | undefined;
  /** The instant the armed timer fires at. */
  #armedFor = 0;
  #referenced = false;

  constructor(delay: number) {
    this.#delay = delay;
  }

  add(expire: () => void): Deadline {
    const due = now() + this.#delay;
    const entry = new Deadline(this, due, expire);
    const last = this.#last;
    if (last) {
      last.next = entry;
      entry.prev = last;
    } else this.#first = entry;
    this.#last = entry;
    // A timer armed for an earlier instant re-arms for this deadline once it fires; a later one cannot serve it (the
    // clock went back).
    if (this.#timer === undefined || this.#armedFor > due) this.#arm(due);
    else if (!this.#referenced) this.#reference(true);
    return entry;
  }

  remove(entry: Deadline): void {
    const { prev, next } = entry;
    if (prev) prev.next = next;
    else this.#first = next;
    if (next) next.prev = prev;
    else this.#last = prev;
    entry.prev = entry.next = entry.expire = undefined;
    if (!this.#first && this.#referenced) this.#reference(false);
  }

  #arm(at: number): void {
    hostClearTimeout(this.#timer);
    this.#armedFor = at;
    // At least 1 ms: the host's timers may fire a little before the clock shows the deadline reached.
    this.#timer = hostSetTimeout(() => this.#fire(), Math.max(1, at - now()));
    this.#referenced = true;
  }

  #reference(on: boolean): void {
    this.#referenced = on;
    if (on) this.#timer?.ref();
    else this.#timer?.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const time = now();
    try {
      // Each expiry runs user code (listeners of the failed task): the list is read afresh after each.
      for (let first = this.#first; first && first.due <= time; first = this.#first) {
        const { expire } = first;
        this.remove(first);
        expire?.();
      }
    } finally {
      // An expiry that throws reaches the host as uncaught; the deadlines after it still expire, as Node's own
      // timers of one list do.
      if (this.#first) this.#arm(this.#first.due);
      else if (this.#timer === undefined) lists.delete(this.#delay); // a delay no longer used holds nothing
    }
  }
}

const lists = new Map<number, DeadlineList>();

/** Calls `expire` after `delay` ms, unless cancelled before: `setTimeout`'s signature. */
export function deadline(expire: () => void, delay: number): Deadline {
  // As Node's timers do, a delay out of range (or not a number) counts as 1 ms.
  if (!(delay >= 1 && delay <= MAX_TIMER_DELAY)) delay = 1;
  let list = lists.get(delay);
  if (!list) lists.set(delay, (list = new DeadlineList(delay)));
  return list.add(expire);
}

/** Cancels a deadline that has not expired; does nothing to one already cancelled or expired, or to none. */
export function cancel(entry: unknown): void {
  if (entry instanceof Deadline && entry.expire) entry.list.remove(entry);
}
