/**
 * The outbox: every message `send` accepted that no transport has taken yet, in the order it was sent.
 *
 * A message leaves the outbox only when a task's `send` reports `success` (the transport took the data, contract
 * §2) or when it is dropped. A message handed to a task whose `success` has not come when that connection ends is
 * sent again on the next connection: delivery is at-least-once up to the transport, and a message is never sent
 * twice once its `success` came (docs/reliable.md, "Delivery").
 */
import type { SocketData } from './options.js';
import type { SocketTaskLike } from './wx-like.js';

/** Why a message was dropped after `send` accepted it. */
export type DropReason = 'overflow' | 'disconnected' | 'closed';

interface Entry {
  readonly data: SocketData;
  /** The `task.send` call in progress for this message (its callbacks compare it), or undefined while waiting. */
  sending: object | undefined;
  /** Neighbours in the outbox, in the order sent. */
  previous: Entry | undefined;
  next: Entry | undefined;
  /** Whether the entry is still in the outbox. */
  linked: boolean;
}

/** Receives the messages the outbox drops. */
type DropListener = (data: SocketData, reason: DropReason) => void;

export class Outbox {
  /**
   * The entries, oldest first, as a doubly linked list: a confirmation or a drop removes its entry in constant time
   * wherever it is (with an array's `indexOf` + `splice`, a flush of n messages cost n² steps; a `Set` keeps order
   * but finding its oldest entry after many removals walks over their leftovers).
   */
  #first: Entry | undefined;
  #last: Entry | undefined;
  #size = 0;
  readonly #dropped: DropListener;
  /** Under `onDisconnect: 'drop'` a message that could not be sent on its connection is dropped, not kept. */
  readonly #keepAcrossConnections: boolean;

  constructor(dropped: DropListener, keepAcrossConnections: boolean) {
    this.#dropped = dropped;
    this.#keepAcrossConnections = keepAcrossConnections;
  }

  /** Messages not yet taken by a transport: waiting, or handed to a task that has not confirmed them. */
  get size(): number {
    return this.#size;
  }

  /**
   * Keeps a message while not open. With `limit` reached, `'drop-oldest'` evicts the oldest message (reported as
   * dropped) and `'drop-newest'` refuses this one. Returns whether the message was kept.
   */
  admit(data: SocketData, limit: number, overflow: 'drop-oldest' | 'drop-newest'): boolean {
    if (this.#size >= limit) {
      if (overflow === 'drop-newest' || this.#first === undefined) return false;
      this.#drop(this.#first, 'overflow');
    }
    this.#append(data);
    return true;
  }

  /** Hands a new message to an open task. */
  sendNow(data: SocketData, task: SocketTaskLike): void {
    this.#transmit(this.#append(data), task);
  }

  /**
   * A connection opened: hands it every message, in order. Messages still unconfirmed by an earlier task go again
   * (under `'drop'`, they are dropped instead).
   */
  flush(task: SocketTaskLike): void {
    for (const entry of this.#entries()) {
      if (entry.sending !== undefined && !this.#keepAcrossConnections) this.#drop(entry, 'disconnected');
      else if (entry.linked) this.#transmit(entry, task);
    }
  }

  /** A connection ended. Under `'drop'`, the messages waiting for it are dropped; under `'keep'`, nothing changes. */
  disconnected(): void {
    if (this.#keepAcrossConnections) return;
    for (const entry of this.#entries()) if (entry.sending === undefined) this.#drop(entry, 'disconnected');
  }

  /** The socket closed for good: every message left is dropped, in order. */
  clear(): void {
    for (const entry of this.#entries()) this.#drop(entry, 'closed');
  }

  /**
   * The entries now, oldest first. A copy: a task that confirms from inside `send`, or a `drop` listener that sends,
   * changes the list while the caller goes through it.
   */
  #entries(): Entry[] {
    const entries: Entry[] = [];
    for (let entry = this.#first; entry !== undefined; entry = entry.next) entries.push(entry);
    return entries;
  }

  #append(data: SocketData): Entry {
    const entry: Entry = { data, sending: undefined, previous: this.#last, next: undefined, linked: true };
    if (this.#last === undefined) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    this.#size++;
    return entry;
  }

  /** Takes the entry out; false when it was already out. */
  #unlink(entry: Entry): boolean {
    if (!entry.linked) return false;
    entry.linked = false;
    if (entry.previous === undefined) this.#first = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.#last = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = entry.next = undefined;
    this.#size--;
    return true;
  }

  #transmit(entry: Entry, task: SocketTaskLike): void {
    const sending = {};
    entry.sending = sending;
    task.send({
      data: entry.data,
      success: () => {
        if (entry.sending !== sending) return; // sent again since, or dropped: this call no longer decides
        entry.sending = undefined;
        this.#unlink(entry);
      },
      fail: () => {
        if (entry.sending !== sending) return;
        entry.sending = undefined;
        if (!this.#keepAcrossConnections) this.#drop(entry, 'disconnected');
      },
    });
  }

  #drop(entry: Entry, reason: DropReason): void {
    entry.sending = undefined;
    if (this.#unlink(entry)) this.#dropped(entry.data, reason);
  }
}
