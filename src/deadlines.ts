/**
 * The handshake timeouts (contract §1) on Node (node-host.ts): one host timer per delay rather than one per
 * connection. Connections started together with the same timeout (60 s unless the app says otherwise), as in a
 * reconnect storm, share one timer; and one started after another has ended re-uses the timer still armed, where a
 * host timer per connection is created and cleared each time (on Node: a timer object, its list and the loop's
 * reference to it, made and undone per connection). Deadlines of one delay fall due in the order they were set, so
 * each delay keeps a list in that order, and its timer is armed for the first.
 *
 * An armed timer must not keep a Node process alive once no connection waits: it is unreferenced when its list
 * empties, referenced again when a deadline is added.
 */
import { hostTimers, unfaked, type TimerHandle } from './host-timers.js';

/** A deadline set with `deadline`; `cancel` it once its connection is open or ended. */
export class Deadline {
  prev: Deadline | undefined;
  next: Deadline | undefined;
  constructor(
    readonly list: DeadlineList,
    readonly due: number,
    public expire: (() => void) | undefined,
  ) {}
}

/** What Node's timers add to a handle: the loop is held open only by referenced timers. */
type NodeTimer = { ref?(): unknown; unref?(): unknown };

/** The deadlines of one delay, earliest first. */
class DeadlineList {
  readonly #delay: number;
  #first: Deadline | undefined;
  #last: Deadline | undefined;
  #timer: TimerHandle | undefined;
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
    hostTimers.clearTimeout(this.#timer);
    this.#armedFor = at;
    // At least 1 ms: the host's timers may fire a little before the clock shows the deadline reached.
    this.#timer = hostTimers.setTimeout(() => this.#fire(), Math.max(1, at - now()));
    this.#referenced = true;
  }

  #reference(on: boolean): void {
    this.#referenced = on;
    const timer = this.#timer as NodeTimer | undefined;
    if (on) timer?.ref?.();
    else timer?.unref?.();
  }

  #fire(): void {
    this.#timer = undefined;
    const time = now();
    // Each expiry runs user code (listeners of the failed task): the list is read afresh after each.
    for (let first = this.#first; first && first.due <= time; first = this.#first) {
      const { expire } = first;
      this.remove(first);
      expire?.();
    }
    if (this.#first) this.#arm(this.#first.due);
    else if (this.#timer === undefined) lists.delete(this.#delay); // a delay no longer used holds nothing
  }
}

const lists = new Map<number, DeadlineList>();

/** Calls `expire` after `delay` ms (at most 2^31 − 1), unless cancelled before: `setTimeout`'s signature. */
export function deadline(expire: () => void, delay: number): Deadline {
  let list = lists.get(delay);
  if (!list) lists.set(delay, (list = new DeadlineList(delay)));
  return list.add(expire);
}

/** Cancels a deadline that has not expired; does nothing to one already cancelled or expired, or to none. */
export function cancel(entry: Deadline | undefined): void {
  if (entry?.expire) entry.list.remove(entry);
}

/** The real clock (milliseconds): the timeouts are the network's, not the page's (host-timers.ts). */
const now: () => number = unfaked('Date', Date).now;
