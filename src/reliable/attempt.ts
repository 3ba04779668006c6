/**
 * One connection attempt: a single `wx.connectSocket` call and the events of the task it returns, translated into
 * the few facts the reliable socket acts on. Each fact carries its attempt, so the socket can ignore the late events
 * of a task it has stopped using.
 */
import type { SocketTaskLike, WxCallResult, WxConnectSocketOption, WxLike } from './wx-like.js';

/** One `wx.connectSocket` call and its task (none when `connectSocket` returned none). */
export interface Attempt {
  task: SocketTaskLike | undefined;
}

/** What an attempt reports. */
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

/**
 * Calls `wx.connectSocket` once for `attempt` (made by the caller, so it can be current before any callback) and
 * wires the task's listeners to `handlers`.
 */
export function startAttempt(
  attempt: Attempt,
  wx: WxLike,
  option: Omit<WxConnectSocketOption, 'success' | 'fail' | 'complete'>,
  handlers: AttemptHandlers,
): void {
  let settled = false;
  const failOnce = (result: WxCallResult, fatal: boolean): void => {
    if (settled) return;
    settled = true;
    handlers.failed(attempt, result, fatal);
  };
  let returned: SocketTaskLike | undefined;
  try {
    returned = wx.connectSocket({
      ...option,
      // `success` means "task created", never "connected" (contract §1). Below base library 1.7.0 it comes with
      // no task: the connection then lives behind the global API, out of reach, so this socket cannot work there.
      success: () => {
        if (attempt.task === undefined)
          failOnce({ errMsg: 'connectSocket returned no SocketTask (base library older than 1.7.0?)' }, true);
      },
      // No connection will come: invalid options (no task; retrying cannot fix them) or too many sockets (a task
      // CLOSED from the start, which never reports anything; slots free up, so retry).
      fail: (result) => failOnce(result, attempt.task === undefined),
    });
  } catch (error) {
    // Listeners may not be attached yet (this runs inside createReliableSocket): report on a later microtask.
    const errMsg = `connectSocket threw: ${error instanceof Error ? error.message : String(error)}`;
    void Promise.resolve().then(() => failOnce({ errMsg }, true));
    return;
  }
  if (returned === undefined || returned === null) return; // `fail` (or `success`, below 1.7.0) says why
  const task = (attempt.task = returned);
  task.onOpen((result) => handlers.opened(attempt, result));
  task.onMessage((result) => handlers.received(attempt, result.data));
  task.onError((result) => {
    if (DOMAIN_REFUSED.test(String(result?.errMsg))) failOnce(result, true);
    else handlers.errored(attempt, result);
  });
  task.onClose((result) =>
    handlers.closed(attempt, { code: Number(result?.code), reason: String(result?.reason ?? '') }),
  );
}
