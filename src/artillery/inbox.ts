/**
 * A socket's inbox: the messages a virtual user has not read yet, in arrival order, so that a message arriving
 * between two steps (a push, another user's broadcast) waits for the next `expect` instead of being lost or failing
 * a step. Bounded: past `limit` unread messages the oldest is dropped (and counted by the owner).
 */

import { Metric, type Metrics } from './metrics.js';
import { appended, countOf, itemsOf, type OneOrMany } from './one-or-many.js';
import { clearTimer, setTimer } from './timers.js';

/** A received message and when it arrived (`performance.now()`). */
export interface Received {
  readonly data: string | ArrayBuffer;
  readonly at: number;
}

export class Inbox {
  readonly #limit: number;
  /** Counts the messages dropped. */
  readonly #metrics: Pick<Metrics, 'counter'>;
  /** The unread messages, oldest first. Many inboxes hold one (an echo nobody expects) for the whole run. */
  #unread: OneOrMany<Received>;
  /** The one reader waiting for a message (steps of one virtual user run one at a time). */
  #reader: ((message: Received | 'closed') => void) | undefined;
  #closed = false;
  #diverted: ((message: Received) => void) | undefined;

  constructor(limit: number, metrics: Pick<Metrics, 'counter'>) {
    this.#limit = limit;
    this.#metrics = metrics;
  }

  get size(): number {
    return countOf(this.#unread);
  }

  /**
   * While set, each arriving message goes to `reader` instead of the inbox (an `idle` step reads and counts them).
   */
  divert(reader: ((message: Received) => void) | undefined): void {
    this.#diverted = reader;
  }

  /** Hands the message to the waiting reader, or keeps it. */
  put(message: Received): void {
    if (this.#diverted) return this.#diverted(message);
    const reader = this.#reader;
    if (reader) {
      this.#reader = undefined;
      return reader(message);
    }
    this.#unread = appended(this.#unread, message);
    if (this.size > this.#limit) {
      this.#shift();
      this.#metrics.counter(Metric.inboxDropped);
    }
  }

  /** Removes and returns every unread message. */
  drain(): readonly Received[] {
    const unread = itemsOf(this.#unread);
    this.#unread = undefined;
    return unread;
  }

  /** Removes and returns the oldest unread message. */
  #shift(): Received | undefined {
    const unread = this.#unread;
    if (!Array.isArray(unread)) {
      this.#unread = undefined;
      return unread;
    }
    const first = unread.shift();
    if (unread.length === 0) this.#unread = undefined;
    return first;
  }

  /**
   * Marks the socket closed: the waiting reader, and every later one once the unread messages are taken, gets
   * `'closed'`.
   */
  close(): void {
    this.#closed = true;
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.('closed');
  }

  /** The next message: at once if one is waiting, else the next to arrive within `timeout` ms. */
  take(timeout: number): Promise<Received | 'timeout' | 'closed'> {
    const first = this.#shift();
    if (first !== undefined) return Promise.resolve(first);
    if (this.#closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimer(() => {
        this.#reader = undefined;
        resolve('timeout');
      }, timeout);
      this.#reader = (message) => {
        clearTimer(timer);
        resolve(message);
      };
    });
  }
}
