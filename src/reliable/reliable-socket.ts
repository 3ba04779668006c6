/**
 * `ReliableSocket`: one logical connection over a succession of `SocketTask`s: queueing while not open, an
 * application heartbeat, dead-connection detection, reconnection with backoff, state restored after reconnecting,
 * and pauses while the mini program is in the background or offline. Guide and decisions: docs/reliable.md.
 *
 * One field holds the state (`#state`); it changes only in the named transitions `#connect`, `#opened`, `#leave`,
 * `#ended`, `#wait` and `#finish`. What the app and the platform ask for goes through one function, `#request`. At
 * most one task is alive at any moment: a new one is only made from `#connect`, which runs only once the previous
 * task has ended (its `onClose`) or was given up after `closeTimeout`; the socket then detaches that attempt, so its
 * late events go nowhere.
 */
import { invokeSafely } from '../report.js';
import { Attempt, type AttemptHandlers } from './attempt.js';
import { backoffDelay } from './backoff.js';
import { Emitter, type ReliableSocketEvent, type ReliableSocketEventMap } from './events.js';
import { FieldEvents } from './field-events.js';
import { Heartbeat } from './heartbeat.js';
import {
  checkCloseArguments,
  isSocketData,
  resolveSettings,
  type ReliableSocketOptions,
  type Settings,
  type SocketData,
} from './options.js';
import { Outbox } from './outbox.js';
import type { WxCallResult, WxLike } from './wx-like.js';

/** The state names, in the order a connection goes through them. */
export type ReliableSocketState = 'connecting' | 'open' | 'closing' | 'waiting' | 'paused' | 'closed';

/** What `send` did with a message. */
export type SendResult = 'sent' | 'queued' | 'dropped';

/**
 * What the app or the platform asks for: `end` (`close()`), `pause` (`pause()`, `wx.onAppHide`, the network gone),
 * `connect` (`reconnect()`, a pause lifted, a new network). The precedence is end > pause > connect: a request never
 * undoes one that ranks higher. Nothing follows an end; a pause holds until every reason for it is lifted, and a
 * connect asked meanwhile is not kept (lifting the last pause connects anyway).
 */
type Request = 'end' | 'pause' | 'connect';

/**
 * Why the socket is paused; it stays paused while any of them holds. `pause()` and `background` close the
 * connection; `offline` does not (the platform ends what the network took, contract §8.3) but lets no new attempt
 * start, since none could succeed.
 */
type Hold = 'pause()' | 'background' | 'offline';

/**
 * What follows once the closing task has ended: a reconnection after the backoff delay (the connection was lost), a
 * new connection at once (or a pause, when a hold came meanwhile), or the end. A request while the task closes
 * moves this only upwards, in this order.
 */
type Next = 'backoff' | 'connect' | 'end';

/** The close this socket asked for, reported in its `close` event whatever the task says. */
interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

type State =
  | { readonly name: 'connecting'; readonly attempt: Attempt }
  | { readonly name: 'open'; readonly attempt: Attempt }
  | { readonly name: 'closing'; readonly attempt: Attempt; readonly next: Next; readonly close?: CloseRequest }
  | { readonly name: 'waiting'; readonly retry: number; readonly delay: number }
  | { readonly name: 'paused' }
  | { readonly name: 'closed' };

/** Code of the close that ends a connection found dead (no message within the heartbeat timeout) [ours]. */
export const DEAD_CONNECTION_CODE = 4000;
const DEAD_CONNECTION: CloseRequest = { code: DEAD_CONNECTION_CODE, reason: 'heartbeat timeout' };
const PAUSED: CloseRequest = { code: 1000, reason: 'paused' };
const RECONNECT: CloseRequest = { code: 1000, reason: 'reconnect' };
const NETWORK_CHANGED: CloseRequest = { code: 1000, reason: 'network changed' };
/** Code of the `close` event of an attempt that ended without an `onClose` [ours, as a browser reports it]. */
const NO_CLOSE_FRAME = 1006;

const noop = (): void => undefined;

/**
 * A socket that stays connected. Make one with {@link createReliableSocket}. Listen with `on(event, listener)`;
 * read `state`; `send` queues while not open; `close()` stops for good.
 */
export class ReliableSocket {
  readonly #wx: WxLike;
  readonly #settings: Settings;
  readonly #emitter: Emitter;
  readonly #outbox: Outbox;
  readonly #heartbeat: Heartbeat | undefined;
  #state: State = { name: 'closed' };
  /** The timer of the current state: backoff (`waiting`), `minUptime` (`open`), `closeTimeout` (`closing`). */
  #timer: unknown;
  /** Consecutive reconnection attempts since the last stable connection. */
  #failures = 0;
  /** Whether a connection has opened before (for `reconnected`). */
  #hasOpened = false;
  readonly #holds = new Set<Hold>();
  readonly #field: FieldEvents;
  /** The network type last reported (`wx.getNetworkType`, `wx.onNetworkStatusChange`), if any. */
  #networkType: string | undefined;

  /** @internal Use {@link createReliableSocket}. */
  constructor(wx: WxLike, options: ReliableSocketOptions) {
    if (typeof wx !== 'object' || wx === null || typeof wx.connectSocket !== 'function') {
      throw new TypeError('createReliableSocket: wx must be an object with a connectSocket function');
    }
    this.#wx = wx;
    const settings = (this.#settings = resolveSettings(options));
    this.#emitter = new Emitter(settings.onListenerError);
    this.#outbox = new Outbox(
      (data, reason) => this.#emitter.emit('drop', { data, reason }),
      settings.queue.onDisconnect === 'keep',
    );
    if (settings.heartbeat) {
      this.#heartbeat = new Heartbeat(settings.heartbeat, settings.timers, {
        beat: () => this.#beat(),
        dead: () => this.#dead(),
      });
    }
    this.#field = new FieldEvents(
      wx,
      { app: settings.pauseInBackground },
      {
        hidden: () => this.#hold('background'),
        shown: () => this.#shown(),
        networkChanged: (online, networkType) => this.#networkChanged(online, networkType),
        networkKnown: (online, networkType) => this.#networkKnown(online, networkType),
      },
    );
    // Connecting does not wait for the answer: the first attempt starts at once (listeners attached right after
    // creation miss nothing), and an answer of `none` only keeps a failed attempt from being retried.
    this.#field.askNetworkType();
    this.#connect();
  }

  /**
   * `connecting` → `open` → (`closing` →) `waiting` → `connecting` …; `paused` in the background; `closed` at the end.
   */
  get state(): ReliableSocketState {
    return this.#state.name;
  }

  /** Messages `send` accepted that no transport has taken yet (waiting, or sent and not yet confirmed). */
  get queued(): number {
    return this.#outbox.size;
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends ReliableSocketEvent>(event: E, listener: (event: ReliableSocketEventMap[E]) => void): () => void {
    if (typeof listener !== 'function')
      throw new TypeError(`ReliableSocket.on: the '${event}' listener must be a function`);
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<E extends ReliableSocketEvent>(event: E, listener: (event: ReliableSocketEventMap[E]) => void): void {
    this.#emitter.off(event, listener);
  }

  /**
   * Sends a string or an ArrayBuffer (copied, so later changes to it do not matter). Returns `'sent'` when handed to
   * the open connection, `'queued'` when kept for the next one, `'dropped'` when refused (queue full under
   * `'drop-newest'`, queueing off, or the socket closed or closing for good).
   */
  send(data: SocketData): SendResult {
    if (!isSocketData(data)) throw new TypeError('ReliableSocket.send: data must be a string or an ArrayBuffer');
    const state = this.#state;
    if (state.name === 'closed' || (state.name === 'closing' && state.next === 'end')) return 'dropped';
    const copy = typeof data === 'string' ? data : data.slice(0);
    if (state.name === 'open') {
      this.#outbox.sendNow(copy, state.attempt.task!);
      return 'sent';
    }
    const { limit, overflow } = this.#settings.queue;
    return this.#outbox.admit(copy, limit, overflow) ? 'queued' : 'dropped';
  }

  /**
   * Closes for good: the current task is closed with `code` (1000, or 3000–4999) and `reason` (at most 123 UTF-8
   * bytes), no reconnection follows, messages still queued are dropped (`drop` events), and the last event is a
   * `close` with `final: true`. Without a task (waiting, paused) that event comes before `close()` returns.
   */
  close(code = 1000, reason = ''): void {
    checkCloseArguments(code, reason);
    this.#request('end', { code, reason });
  }

  /** Closes the connection and stops reconnecting until `resume()`; sends are queued meanwhile. */
  pause(): void {
    this.#hold('pause()');
  }

  /** Reconnects at once after `pause()` (or after `wx.onAppHide`). */
  resume(): void {
    this.#lift(['pause()', 'background']);
  }

  /**
   * Reconnects now: skips a pending backoff delay, or replaces the current connection (closed with 1000). The
   * backoff starts again from `initialDelay`. A paused socket stays paused: `resume()` lifts a pause. (When the
   * network comes back or changes, the socket does this itself, where `wx.onNetworkStatusChange` exists.)
   */
  reconnect(): void {
    this.#failures = 0;
    this.#request('connect', RECONNECT);
  }

  /**
   * The one place requests are decided, by the precedence end > pause > connect (see {@link Request}). `close` is
   * what a task still alive is closed with.
   */
  #request(request: Request, close: CloseRequest): void {
    if (request === 'connect' && this.#holds.size > 0) return; // only lifting the pause connects
    const state = this.#state;
    switch (state.name) {
      case 'connecting':
      case 'open':
        // A pause too replaces the task: the holds keep the next one from being made.
        return this.#leave(state.attempt, request === 'end' ? 'end' : 'connect', close);
      case 'closing':
        // The task is already closing, with the first request's code. A pause that comes while a lost connection
        // closes turns it into a replacement, so the holds decide what follows, not the backoff.
        if (request === 'end') this.#state = { ...state, next: 'end' };
        else if (state.next === 'backoff') this.#state = { ...state, next: 'connect' };
        return;
      case 'waiting':
      case 'paused':
        if (request === 'end') return this.#finish(close);
        if (request === 'pause') return this.#enter({ name: 'paused' });
        return this.#connect();
      case 'closed':
        return;
    }
  }

  /** Adds a reason to stay paused. */
  #hold(hold: Hold): void {
    if (this.#state.name === 'closed') return;
    this.#holds.add(hold);
    // Offline closes nothing, but a pending backoff stops: the attempt could not succeed.
    if (hold !== 'offline' || this.#state.name === 'waiting') this.#request('pause', PAUSED);
  }

  /**
   * Lifts reasons to stay paused; when none is left, connects at once, the backoff starting again (a connection
   * still open, which only `offline` allows, is replaced and closed with `close`).
   */
  #lift(holds: readonly Hold[], close = RECONNECT): void {
    const lifted = holds.filter((hold) => this.#holds.delete(hold));
    if (lifted.length === 0 || this.#holds.size > 0) return;
    this.#failures = 0;
    this.#request('connect', close);
  }

  /** `wx.onAppShow`: the background pause is lifted; if the network was gone, it is asked about again. */
  #shown(): void {
    this.#lift(['background']);
    // Changes while the app was suspended may not have been reported (WeChat runs no JavaScript then).
    if (this.#holds.has('offline')) this.#field.askNetworkType();
  }

  /**
   * `wx.onNetworkStatusChange`. Offline: no attempt until the network is back. Back, or on another network (Wi-Fi to
   * 4G): connect at once, the backoff starting again, replacing a connection made on the old network (its address
   * is gone, and it may not say so for minutes, contract §8.3).
   */
  #networkChanged(online: boolean, networkType: string): void {
    const changed = networkType !== this.#networkType;
    this.#networkType = networkType;
    if (!online) return this.#hold('offline');
    if (this.#holds.has('offline')) return this.#lift(['offline'], NETWORK_CHANGED);
    if (!changed) return; // the same network reported again: nothing to do
    this.#failures = 0;
    this.#request('connect', NETWORK_CHANGED);
  }

  /** `wx.getNetworkType`'s answer: what the network is now, not a change of it. */
  #networkKnown(online: boolean, networkType: string): void {
    this.#networkType = networkType;
    if (!online) this.#hold('offline');
    else this.#lift(['offline'], NETWORK_CHANGED);
  }

  /** Sets the state, clearing the previous state's timer. */
  #enter(state: State): void {
    if (this.#timer !== undefined) {
      this.#settings.timers.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#state = state;
  }

  /** Arms the current state's timer (cleared by the next `#enter`). */
  #startTimer(delay: number, fire: () => void): void {
    const timer = this.#settings.timers.setTimeout(() => {
      if (this.#timer !== timer) return;
      this.#timer = undefined;
      fire();
    }, delay);
    this.#timer = timer;
  }

  /** Makes the one new attempt. */
  #connect(): void {
    const attempt = new Attempt(this.#attemptHandlers);
    this.#enter({ name: 'connecting', attempt });
    let url: string;
    try {
      url = this.#settings.url();
      if (typeof url !== 'string') throw new TypeError(`the url function returned ${typeof url}, not a string`);
    } catch (error) {
      // A url provider may fail for a while (a token not yet fetched): a failed attempt, retried with backoff.
      return attempt.failLater(`url: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    attempt.start(this.#wx, { ...this.#settings.connect, url });
  }

  /** The facts of the current attempt (a detached one reports nothing). */
  readonly #attemptHandlers: AttemptHandlers = {
    opened: (attempt, result) => {
      if (this.#state.name === 'connecting') this.#opened(attempt, result);
    },
    received: (_attempt, data) => this.#received(data),
    errored: (attempt, result) => {
      this.#emitError(result);
      // `onClose` follows (contract §0.6): wait for it, but not for ever. The task is asked to close too. (An error
      // listener may have closed the socket, or, with a `wx` that reports `onClose` from inside `close`, ended it.)
      if (!attempt.detached && this.#state.name !== 'closing') this.#leave(attempt, 'backoff', undefined);
    },
    closed: (attempt, result) => this.#ended(attempt, result),
    // An attempt ended with an error and no `onClose`: `error`, then `close` (1006).
    failed: (attempt, result, fatal) => {
      this.#emitError(result);
      if (!attempt.detached)
        this.#ended(attempt, { code: NO_CLOSE_FRAME, reason: String(result?.errMsg ?? '') }, fatal);
    },
  };

  #emitError(result: WxCallResult): void {
    const event: { errMsg: string; errCode?: number } = { errMsg: String(result?.errMsg ?? '') };
    if (typeof result?.errCode === 'number') event.errCode = result.errCode;
    this.#emitter.emit('error', event);
  }

  #opened(attempt: Attempt, result: { header?: Record<string, unknown>; profile?: object }): void {
    const task = attempt.task!;
    this.#enter({ name: 'open', attempt });
    const reconnected = this.#hasOpened;
    this.#hasOpened = true;
    const { minUptime } = this.#settings.reconnect ?? { minUptime: 0 };
    if (minUptime === 0) this.#failures = 0;
    else this.#startTimer(minUptime, () => (this.#failures = 0));
    const stillOpen = (): boolean => !attempt.detached && this.#state.name === 'open';
    const { restore } = this.#settings;
    if (restore) {
      const send = (data: SocketData): void => {
        if (!isSocketData(data)) throw new TypeError('restore: data must be a string or an ArrayBuffer');
        // This connection's only: no queue, no second try (the hook runs again on the next connection).
        if (stillOpen()) task.send({ data, fail: noop });
      };
      this.#invoke('the restore hook', () => restore({ send, reconnected }));
    }
    if (!stillOpen()) return; // the hook closed or paused the socket
    this.#outbox.flush(task);
    this.#heartbeat?.start();
    this.#emitter.emit('open', { header: result?.header ?? {}, profile: result?.profile, reconnected });
  }

  #received(data: SocketData): void {
    this.#heartbeat?.received();
    const isReply = this.#settings.heartbeat?.isReply;
    if (isReply) {
      let reply = false;
      this.#invoke('heartbeat.isReply', () => (reply = isReply(data) === true));
      if (reply) return;
    }
    this.#emitter.emit('message', { data });
  }

  #beat(): void {
    const state = this.#state;
    const message = this.#settings.heartbeat?.message;
    if (state.name !== 'open' || message === undefined) return;
    let data: unknown;
    this.#invoke('heartbeat.message', () => {
      data = message();
      if (!isSocketData(data)) throw new TypeError('heartbeat.message must return a string or an ArrayBuffer');
    });
    // Not queued, not tracked: a heartbeat matters only on the connection it checks.
    if (isSocketData(data)) state.attempt.task!.send({ data, fail: noop });
  }

  /** Nothing arrived within the heartbeat timeout: the connection is closed (4000) and replaced. */
  #dead(): void {
    const state = this.#state;
    if (state.name === 'open') this.#leave(state.attempt, 'backoff', DEAD_CONNECTION);
  }

  /**
   * Stops using the current task: asks it to close (when `close` is given, else it is already failing) and waits for
   * its `onClose`, at most `closeTimeout` ms.
   */
  #leave(attempt: Attempt, next: Next, close: CloseRequest | undefined): void {
    this.#heartbeat?.stop();
    this.#enter({ name: 'closing', attempt, next, ...(close && { close }) });
    const { task } = attempt;
    if (task === undefined) return this.#ended(attempt, close ?? { code: NO_CLOSE_FRAME, reason: '' });
    // The platform owes us `onClose`; if it never comes the task is given up, never reused. (Armed first: a `wx`
    // that reports `onClose` from inside `close` moves the state on, which clears this timer.)
    this.#startTimer(this.#settings.closeTimeout, () =>
      this.#ended(attempt, close ?? { code: NO_CLOSE_FRAME, reason: 'close timeout' }),
    );
    // A task that is replaced is always closed. `fail` (already CLOSED) needs nothing: its `onClose` is coming.
    task.close({ ...(close ?? { code: 1000 }), fail: noop });
  }

  /** The current attempt is over (it is detached): `close`, then a reconnection, a pause or the end. */
  #ended(attempt: Attempt, closed: CloseRequest, fatal = false): void {
    attempt.detach();
    this.#heartbeat?.stop();
    const state = this.#state;
    const closing = state.name === 'closing' ? state : undefined;
    // When this socket closed the task itself, its own code and reason are what the close was about.
    const { code, reason } = closing?.close ?? closed;
    const next: Next = closing?.next ?? 'backoff';
    const reconnect = this.#settings.reconnect;
    const serverSaidStop =
      closing === undefined &&
      reconnect?.shouldReconnect !== undefined &&
      !this.#ask(() => reconnect.shouldReconnect!({ code, reason }));
    const final =
      fatal ||
      next === 'end' ||
      (next === 'backoff' &&
        (reconnect === undefined ||
          serverSaidStop ||
          (this.#holds.size === 0 && this.#failures >= reconnect.maxRetries)));
    if (final) return this.#finish({ code, reason });
    this.#outbox.disconnected();
    if (this.#holds.size > 0) {
      this.#enter({ name: 'paused' });
      this.#emitter.emit('close', { code, reason, final: false });
      return;
    }
    if (next === 'connect') {
      // `resume()`/`reconnect()`: the next task at once (`#connect` emits nothing before it returns).
      this.#connect();
      this.#emitter.emit('close', { code, reason, final: false });
      return;
    }
    const waiting = this.#wait();
    this.#emitter.emit('close', { code, reason, final: false });
    if (this.#state === waiting) this.#emitter.emit('reconnecting', { attempt: waiting.retry, delay: waiting.delay });
  }

  /** Schedules the next attempt after the backoff delay. */
  #wait(): State & { name: 'waiting' } {
    const reconnect = this.#settings.reconnect!;
    const retry = ++this.#failures;
    let random = 0;
    this.#invoke('random', () => (random = this.#settings.random()));
    const state = { name: 'waiting', retry, delay: backoffDelay(reconnect, retry, random) } as const;
    this.#enter(state);
    this.#startTimer(state.delay, () => this.#connect());
    return state;
  }

  /**
   * The end: every timer cleared, the `wx` listeners removed, queued messages dropped, the final `close`, listeners
   * let go.
   */
  #finish(closed: CloseRequest): void {
    this.#heartbeat?.stop();
    this.#enter({ name: 'closed' });
    this.#holds.clear();
    this.#field.stop();
    this.#outbox.clear();
    this.#emitter.emit('close', { code: closed.code, reason: closed.reason, final: true });
    this.#emitter.clear();
  }

  /** Calls user code; what it throws is reported and the socket goes on. */
  #invoke(where: string, run: () => void): void {
    invokeSafely(run, undefined, this.#settings.onListenerError, where);
  }

  #ask(question: () => boolean): boolean {
    let answer = true;
    this.#invoke('reconnect.shouldReconnect', () => (answer = question() !== false));
    return answer;
  }
}

/**
 * Creates a socket that stays connected, over any `wx`-like object: real WeChat's `wx`, or `createWx()` from
 * wxsocket. It starts connecting at once.
 * @example
 * const socket = createReliableSocket(wx, {
 *   url: 'wss://chat.example.com/ws',
 *   heartbeat: { message: '{"type":"ping"}', interval: 20000, isReply: (data) => data === '{"type":"pong"}' },
 *   restore: ({ send }) => send(JSON.stringify({ type: 'subscribe', room })),
 * });
 * socket.on('message', ({ data }) => render(data));
 * socket.send('hello'); // 'queued' until the connection opens
 */
export function createReliableSocket(wx: WxLike, options: ReliableSocketOptions): ReliableSocket {
  return new ReliableSocket(wx, options);
}
