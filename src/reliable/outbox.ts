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
}

/** Receives the messages the outbox drops. */
export type DropListener = (data: SocketData, reason: DropReason) => void;

export class Outbox {
  readonly #entries: Entry[] = [];
  readonly #dropped: DropListener;
  /** Under `onDisconnect: 'drop'` a message that could not be sent on its connection is dropped, not kept. */
  readonly #keepAcrossConnections: boolean;

  constructor(dropped: DropListener, keepAcrossConnections: boolean) {
    this.#dropped = dropped;
    this.#keepAcrossConnections = keepAcrossConnections;
  }

  /** Messages not yet taken by a transport: waiting, or handed to a task that has not confirmed them. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Keeps a message while not open. With `limit` reached, `'drop-oldest'` evicts the oldest message (reported as
   * dropped) and `'drop-newest'` refuses this one. Returns whether the message was kept.
   */
  admit(data: SocketData, limit: number, overflow: 'drop-oldest' | 'drop-newest'): boolean {
    if (this.#entries.length >= limit) {
      if (overflow === 'drop-newest' || this.#entries.length === 0) return false;
      this.#drop(this.#entries[0]!, 'overflow');
    }
    this.#entries.push({ data, sending: undefined });
    return true;
  }

  /** Hands a new message to an open task. */
  sendNow(data: SocketData, task: SocketTaskLike): void {
    const entry: Entry = { data, sending: undefined };
    this.#entries.push(entry);
    this.#transmit(entry, task);
  }

  /**
   * A connection opened: hands it every message, in order. Messages still unconfirmed by an earlier task go again
   * (under `'drop'`, they are dropped instead).
   */
  flush(task: SocketTaskLike): void {
    for (const entry of [...this.#entries]) {
      if (entry.sending !== undefined && !this.#keepAcrossConnections) this.#drop(entry, 'disconnected');
      else this.#transmit(entry, task);
    }
  }

  /** A connection ended. Under `'drop'`, the messages waiting for it are dropped; under `'keep'`, nothing changes. */
  disconnected(): void {
    if (this.#keepAcrossConnections) return;
    for (const entry of [...this.#entries]) if (entry.sending === undefined) this.#drop(entry, 'disconnected');
  }

  /** The socket closed for good: every message left is dropped, in order. */
  clear(): void {
    for (const entry of [...this.#entries]) this.#drop(entry, 'closed');
  }

  #transmit(entry: Entry, task: SocketTaskLike): void {
    const sending = {};
    entry.sending = sending;
    task.send({
      data: entry.data,
      success: () => {
        if (entry.sending !== sending) return; // sent again since, or dropped: this call no longer decides
        entry.sending = undefined;
        this.#remove(entry);
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
    if (this.#remove(entry)) this.#dropped(entry.data, reason);
  }

  #remove(entry: Entry): boolean {
    const index = this.#entries.indexOf(entry);
    if (index === -1) return false;
    this.#entries.splice(index, 1);
    return true;
  }
}
