// Helpers for the reliable socket's tests: driven timers, a wx wrapper that counts live tasks and can play the
// app's hide/show events, and an event recorder with awaitable waits.
import type {
  ReliableSocket,
  ReliableSocketEvent,
  ReliableSocketEventMap,
  SocketTaskLike,
  Timers,
  WxConnectSocketOption,
  WxLike,
} from '../../src/reliable/index.js';

/** A timer the test fires by hand. */
export interface ManualTimer {
  readonly id: number;
  readonly delay: number;
  readonly callback: () => void;
}

/**
 * Timers that never fire by themselves: the test reads what is scheduled (`pending`) and fires it. Only the reliable
 * socket's timers go through here; the core's own (handshake timeout) stay real.
 */
export class ManualTimers implements Timers {
  readonly #pending = new Map<number, ManualTimer>();
  #nextId = 1;

  /** How many timers were ever scheduled. */
  get scheduled(): number {
    return this.#nextId - 1;
  }

  setTimeout(callback: () => void, delay: number): unknown {
    const timer = { id: this.#nextId++, delay, callback };
    this.#pending.set(timer.id, timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** The timers scheduled and not yet fired or cleared, oldest first. */
  get pending(): ManualTimer[] {
    return [...this.#pending.values()];
  }

  /** The one pending timer with this delay; throws if there is none or several. */
  find(delay: number): ManualTimer {
    const matching = this.pending.filter((timer) => timer.delay === delay);
    if (matching.length !== 1) {
      throw new Error(
        `expected one pending timer of ${delay} ms, found ${matching.length} (pending: ${this.pending.map((t) => t.delay).join(', ') || 'none'})`,
      );
    }
    return matching[0]!;
  }

  /** Fires the pending timer of this delay (see `find`). */
  fire(delay: number): void {
    const timer = this.find(delay);
    this.#pending.delete(timer.id);
    timer.callback();
  }
}

/**
 * Wraps a `wx`-like object: counts the tasks alive (created, not yet ended by `onClose`, or by `onError` for a task
 * that never had `onClose` coming) and records the most ever alive at once. With `appEvents`, adds
 * `onAppHide`/`onAppShow`/`off*` that `hide()`/`show()` trigger.
 */
export class TrackedWx implements WxLike {
  readonly tasks: SocketTaskLike[] = [];
  readonly connectOptions: WxConnectSocketOption[] = [];
  /** The most tasks alive at once, counted as each new one is made. */
  maxAlive = 0;
  readonly #alive = new Set<SocketTaskLike>();
  readonly #inner: WxLike;
  readonly hideListeners = new Set<(result: unknown) => void>();
  readonly showListeners = new Set<(result: unknown) => void>();
  onAppHide?: (listener: (result: unknown) => void) => void;
  onAppShow?: (listener: (result: unknown) => void) => void;
  offAppHide?: (listener: (result: unknown) => void) => void;
  offAppShow?: (listener: (result: unknown) => void) => void;

  getNetworkType?: NonNullable<WxLike['getNetworkType']>;
  onNetworkStatusChange?: NonNullable<WxLike['onNetworkStatusChange']>;
  offNetworkStatusChange?: NonNullable<WxLike['offNetworkStatusChange']>;

  constructor(inner: WxLike, options: { appEvents?: boolean } = {}) {
    this.#inner = inner;
    if (options.appEvents === true) {
      this.onAppHide = (listener) => void this.hideListeners.add(listener);
      this.onAppShow = (listener) => void this.showListeners.add(listener);
      this.offAppHide = (listener) => void this.hideListeners.delete(listener);
      this.offAppShow = (listener) => void this.showListeners.delete(listener);
    } else {
      // The inner wx's own lifecycle events, where it has them (wxsocket's, driven by phoneOf).
      if (inner.onAppHide) this.onAppHide = inner.onAppHide.bind(inner);
      if (inner.onAppShow) this.onAppShow = inner.onAppShow.bind(inner);
      if (inner.offAppHide) this.offAppHide = inner.offAppHide.bind(inner);
      if (inner.offAppShow) this.offAppShow = inner.offAppShow.bind(inner);
    }
    if (inner.getNetworkType) this.getNetworkType = inner.getNetworkType.bind(inner);
    if (inner.onNetworkStatusChange) this.onNetworkStatusChange = inner.onNetworkStatusChange.bind(inner);
    if (inner.offNetworkStatusChange) this.offNetworkStatusChange = inner.offNetworkStatusChange.bind(inner);
  }

  /** Tasks made and not yet ended. */
  get alive(): number {
    return this.#alive.size;
  }

  connectSocket(option: WxConnectSocketOption): SocketTaskLike | undefined {
    this.connectOptions.push(option);
    const task = this.#inner.connectSocket(option);
    if (task === undefined) return task;
    this.tasks.push(task);
    // A task CLOSED from the start (over the limit) is not alive; wxsocket's tasks expose readyState [lib].
    if ((task as { readyState?: number }).readyState !== 3) {
      this.#alive.add(task);
      task.onClose(() => this.#alive.delete(task));
      task.onError((result) => {
        if (/url not in domain list/.test(result.errMsg)) this.#alive.delete(task);
      });
    }
    this.maxAlive = Math.max(this.maxAlive, this.#alive.size);
    return task;
  }

  hide(): void {
    for (const listener of this.hideListeners) listener({});
  }

  show(): void {
    for (const listener of this.showListeners) listener({});
  }
}

type Recorded = { [E in ReliableSocketEvent]: { type: E; event: ReliableSocketEventMap[E] } }[ReliableSocketEvent];

/** Records every event of a socket, in order, and resolves waits for the next one of a kind. */
export class EventLog {
  readonly events: Recorded[] = [];
  readonly #cursor = new Map<ReliableSocketEvent, number>();
  readonly #waiters: Array<() => void> = [];

  constructor(socket: ReliableSocket) {
    for (const type of ['open', 'message', 'close', 'reconnecting', 'error', 'drop'] as const) {
      socket.on(type, (event: ReliableSocketEventMap[typeof type]) => {
        this.events.push({ type, event } as Recorded);
        for (const wake of this.#waiters.splice(0)) wake();
      });
    }
  }

  /** The event types in order, e.g. `['open', 'close', 'reconnecting']`. */
  get types(): ReliableSocketEvent[] {
    return this.events.map((recorded) => recorded.type);
  }

  /** Every recorded event of one type. */
  all<E extends ReliableSocketEvent>(type: E): Array<ReliableSocketEventMap[E]> {
    return this.events
      .filter((recorded) => recorded.type === type)
      .map((recorded) => recorded.event as ReliableSocketEventMap[E]);
  }

  /** Resolves with the final `close` event (skipping earlier ones), at most `timeout` ms. */
  async final(timeout = 5000): Promise<ReliableSocketEventMap['close']> {
    for (let i = 0; i < 1000; i++) {
      const closed = await this.next('close', timeout);
      if (closed.final) return closed;
    }
    throw new Error('no final close among 1000 close events');
  }

  /** Resolves with the oldest event of `type` not yet returned by `next`, waiting up to `timeout` ms. */
  next<E extends ReliableSocketEvent>(type: E, timeout = 5000): Promise<ReliableSocketEventMap[E]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const seen = this.all(type);
        const index = this.#cursor.get(type) ?? 0;
        if (index >= seen.length) return false;
        this.#cursor.set(type, index + 1);
        resolve(seen[index]!);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(
        () => reject(new Error(`Timed out after ${timeout} ms waiting for '${type}' (seen: ${this.types.join(', ')})`)),
        timeout,
      );
      const wait = (): void => {
        if (check()) clearTimeout(timer);
        else this.#waiters.push(wait);
      };
      this.#waiters.push(wait);
    });
  }
}
