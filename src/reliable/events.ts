/**
 * The reliable socket's events and a small typed emitter for them. No `node:events`: this runs inside WeChat.
 */
import { invokeSafely } from '../report.js';
import type { DropReason } from './outbox.js';
import type { SocketData } from './options.js';

/** `open`: a connection opened (the `restore` hook has run and the queue has been handed to it). */
export interface ReliableOpenEvent {
  /** The handshake response headers, as the task's `onOpen` reported them (`{}` when it had none). */
  readonly header: Record<string, unknown>;
  /** The task's `onOpen` `profile` (base library 2.10.4+), when there is one. */
  readonly profile: object | undefined;
  /** False for the first connection, true after a reconnection. */
  readonly reconnected: boolean;
}

/** `message`: a message from the server (heartbeat replies excluded). */
export interface ReliableMessageEvent {
  readonly data: SocketData;
}

/**
 * `close`: a connection, or an attempt to make one, ended. Exactly one per `wx.connectSocket` call, plus one when
 * `close()` is called while no task exists. The last one has `final: true`; nothing is emitted after it.
 */
export interface ReliableCloseEvent {
  /**
   * The task's `onClose` code, or the code the socket closed with itself: 4000 for a dead connection, 1000 when
   * paused or replaced (`reconnect()`, another network); 1006 for an attempt that failed without `onClose`
   * (`wx.connectSocket` failed, or the domain check).
   */
  readonly code: number;
  readonly reason: string;
  /** True on the last event: the socket is closed for good. */
  readonly final: boolean;
}

/** `reconnecting`: a reconnection attempt is scheduled. */
export interface ReliableReconnectingEvent {
  /** 1 for the first attempt after a loss, then 2, … (reset once a connection stays up for `minUptime`). */
  readonly attempt: number;
  /** Milliseconds until the attempt. */
  readonly delay: number;
}

/** `error`: what WeChat reported (`onError`, or `connectSocket`'s `fail`): `{errMsg}` and, on Android, `errCode`. */
export interface ReliableErrorEvent {
  readonly errMsg: string;
  readonly errCode?: number;
}

/**
 * `drop`: a message `send` had accepted was dropped (queue overflow, a connection loss under `'drop'`, or `close()`).
 */
export interface ReliableDropEvent {
  readonly data: SocketData;
  readonly reason: DropReason;
}

/** Event name → payload. */
export interface ReliableSocketEventMap {
  open: ReliableOpenEvent;
  message: ReliableMessageEvent;
  close: ReliableCloseEvent;
  reconnecting: ReliableReconnectingEvent;
  error: ReliableErrorEvent;
  drop: ReliableDropEvent;
}

export type ReliableSocketEvent = keyof ReliableSocketEventMap;

type Listener<E extends ReliableSocketEvent> = (event: ReliableSocketEventMap[E]) => void;

/** Listeners per event, called in registration order; one that throws is reported and the others still run. */
export class Emitter {
  #listeners: { [E in ReliableSocketEvent]?: Array<Listener<E>> } = {};
  readonly #report: (error: unknown, where: string) => void;

  constructor(report: (error: unknown, where: string) => void) {
    this.#report = report;
  }

  on<E extends ReliableSocketEvent>(event: E, listener: Listener<E>): void {
    // A new array, so a dispatch in progress calls only the listeners it started with (as EventTarget does).
    const listeners = (this.#listeners[event] ?? []) as Array<Listener<E>>;
    this.#listeners[event] = [...listeners, listener] as never;
  }

  off<E extends ReliableSocketEvent>(event: E, listener: Listener<E>): void {
    const listeners = this.#listeners[event] as Array<Listener<E>> | undefined;
    const index = listeners?.indexOf(listener) ?? -1;
    if (index !== -1) this.#listeners[event] = listeners!.filter((_, i) => i !== index) as never;
  }

  emit<E extends ReliableSocketEvent>(event: E, payload: ReliableSocketEventMap[E]): void {
    const listeners = this.#listeners[event] as Array<Listener<E>> | undefined;
    if (!listeners) return;
    for (const listener of listeners) invokeSafely(listener, payload, this.#report, `a '${event}' listener`);
  }

  /** Forgets every listener (after the final `close`). */
  clear(): void {
    this.#listeners = {};
  }
}
