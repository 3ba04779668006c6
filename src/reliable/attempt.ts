/**
 * One connection attempt: a single `wx.connectSocket` call and the events of the task it returns, translated into
 * the few facts the reliable socket acts on. The socket detaches an attempt once it is done with it: from then on the
 * late events of its task go nowhere, so the socket itself never has to ask whether an event is about the current
 * attempt.
 */
import type { SocketTaskLike, WxCallResult, WxConnectSocketOption, WxLike } from './wx-like.js';

/** What an attempt reports, until it is detached. Each fact carries the attempt it is about. */
export interface AttemptHandlers {
  opened(attempt: Attempt, result: { header?: Record<string, unknown>; profile?: object }): void;
  received(attempt: Attempt, data: string | ArrayBuffer): void;
  /** The task's `onError`; `onClose` follows (contract §0.6). */
  errored(attempt: Attempt, result: WxCallResult): void;
  /** The task's `onClose`: the task is over. */
  closed(attempt: Attempt, result: { code: number; reason: string }): void;
  /**
   * The attempt ended with an error and no `onClose` will come. `fatal` when retrying cannot help: invalid options,
   * a base library without `SocketTask`, a URL the domain check refuses.
   */
  failed(attempt: Attempt, result: WxCallResult, fatal: boolean): void;
}

/** The domain-check failure (both profiles' texts contain it, contract §5): `onError` alone, no `onClose`. */
const DOMAIN_REFUSED = /url not in domain list/;

export class Attempt {
  /** The task `wx.connectSocket` returned: none until it has returned, or at all when it returned none. */
  task: SocketTaskLike | undefined;
  /** Where the facts go; `undefined` once detached. */
  #handlers: AttemptHandlers | undefined;
  /** Whether `failed` was reported (at most once: `fail` and a domain-refused `onError` may both come). */
  #failed = false;

  constructor(handlers: AttemptHandlers) {
    this.#handlers = handlers;
  }

  /** Whether the socket is done with this attempt. */
  get detached(): boolean {
    return this.#handlers === undefined;
  }

  /** Reports nothing more, whatever the task still does. */
  detach(): void {
    this.#handlers = undefined;
  }

  /**
   * Calls `wx.connectSocket` once and wires the task's listeners. The attempt exists before the call, so a `wx` that
   * reports from inside `connectSocket` already reaches the right attempt.
   */
  start(wx: WxLike, option: Omit<WxConnectSocketOption, 'success' | 'fail' | 'complete'>): void {
    let returned: SocketTaskLike | undefined;
    try {
      returned = wx.connectSocket({
        ...option,
        // `success` means "task created", never "connected" (contract §1). Below base library 1.7.0 it comes with
        // no task: the connection then lives behind the global API, out of reach, so this socket cannot work there.
        success: () => {
          if (this.task === undefined)
            this.#fail({ errMsg: 'connectSocket returned no SocketTask (base library older than 1.7.0?)' }, true);
        },
        // No connection will come: invalid options (no task; retrying cannot fix them) or too many sockets (a task
        // CLOSED from the start, which never reports anything; slots free up, so retry).
        fail: (result) => this.#fail(result, this.task === undefined),
      });
    } catch (error) {
      return this.failLater(`connectSocket threw: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (returned === undefined || returned === null) return; // `fail` (or `success`, below 1.7.0) says why
    const task = (this.task = returned);
    task.onOpen((result) => this.#handlers?.opened(this, result));
    task.onMessage((result) => this.#handlers?.received(this, result.data));
    task.onError((result) => {
      if (DOMAIN_REFUSED.test(String(result?.errMsg))) this.#fail(result, true);
      else this.#handlers?.errored(this, result);
    });
    task.onClose((result) =>
      this.#handlers?.closed(this, { code: Number(result?.code), reason: String(result?.reason ?? '') }),
    );
  }

  /**
   * Fails the attempt on a later microtask: this runs inside `createReliableSocket`, before the app could attach its
   * listeners.
   */
  failLater(errMsg: string, fatal: boolean): void {
    void Promise.resolve().then(() => this.#fail({ errMsg }, fatal));
  }

  #fail(result: WxCallResult, fatal: boolean): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#handlers?.failed(this, result, fatal);
  }
}
