/**
 * A reliable socket (`wxsocket/reliable`): it reconnects after a loss with its backoff and jitter, keeps sends made
 * while disconnected, and may run an application heartbeat. For reconnect storms: `wx.reconnect_time` measures each
 * loss until the next open.
 */
import { createReliableSocket, type ReliableSocket, type ReliableSocketOptions } from '../reliable/index.js';
import type { WxLike } from '../reliable/wx-like.js';
import type { SocketProfile } from '../transport.js';
import { StepError, kindOfErrMsg } from './errors.js';
import { Inbox } from './inbox.js';
import { Metric, connectFailedMetric, type Metrics } from './metrics.js';
import { recordClose, recordOpen, within, type ConnectRequest, type VuSocket } from './vu-socket.js';

/** The `reliable` settings of a `connect` step: `wxsocket/reliable`'s own options. */
export type ReliableSettings = Pick<ReliableSocketOptions, 'reconnect' | 'heartbeat' | 'queue'>;

export class ReliableVuSocket implements VuSocket {
  readonly name: string;
  readonly inbox: Inbox;
  readonly reliable = true;
  readonly closed: Promise<void>;
  lastSendAt: number | undefined;
  readonly #socket: ReliableSocket;
  readonly #metrics: Metrics;
  #isOpen = false;
  /** Connections opened so far. */
  #opens = 0;
  #isClosed = false;
  /** When the current attempt called `connectSocket`. */
  #attemptStartedAt = performance.now();
  /** When the connection was lost, while it is not back. */
  #lostAt: number | undefined;
  /** What failed the last attempt, for a step that gives up waiting. */
  #lastFailure: StepError | undefined;
  /** Called on every open and on the final close. */
  #waiters = new Set<() => void>();

  constructor(
    wx: WxLike,
    name: string,
    request: ConnectRequest,
    settings: ReliableSettings,
    metrics: Metrics,
    inboxLimit: number,
  ) {
    this.name = name;
    this.#metrics = metrics;
    this.inbox = new Inbox(inboxLimit, metrics);
    let markClosed!: () => void;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    // The socket's `wx`: the virtual user's (its app and network events drive pauses and reconnections), with each
    // attempt's start noted for `wx.connect_time`. wx methods are plain functions, so inherited ones work unbound.
    const timed = Object.create(wx) as WxLike;
    timed.connectSocket = (option) => {
      this.#attemptStartedAt = performance.now();
      return wx.connectSocket(option);
    };
    const socket = (this.#socket = createReliableSocket(timed, {
      ...settings,
      url: request.url,
      connect: {
        ...(request.header !== undefined && { header: request.header }),
        ...(request.protocols !== undefined && { protocols: request.protocols }),
        ...(request.perMessageDeflate !== undefined && { perMessageDeflate: request.perMessageDeflate }),
        timeout: request.timeout,
      },
      onListenerError: () => metrics.counter(Metric.listenerErrors),
    }));
    socket.on('open', ({ profile }) => {
      this.#isOpen = true;
      this.#opens += 1;
      this.#lastFailure = undefined;
      recordOpen(metrics, this.#attemptStartedAt, profile as SocketProfile | undefined);
      if (this.#lostAt !== undefined) {
        metrics.histogram(Metric.reconnectTime, performance.now() - this.#lostAt);
        metrics.counter(Metric.reconnects);
        this.#lostAt = undefined;
      }
      this.#wake();
    });
    socket.on('error', ({ errMsg }) => {
      if (this.#isOpen) return; // a failure of an open connection: its close follows and counts
      const failure = new StepError(kindOfErrMsg(errMsg), errMsg);
      this.#lastFailure = failure;
      metrics.counter(Metric.connectionsFailed);
      metrics.counter(connectFailedMetric(failure.kind));
    });
    socket.on('message', ({ data }) => {
      metrics.message('received', data);
      this.inbox.put({ data, at: performance.now() });
    });
    socket.on('close', ({ code, final }) => {
      if (this.#isOpen) {
        recordClose(metrics, code);
        this.#isOpen = false;
        this.#lostAt ??= performance.now();
      }
      if (!final) return;
      this.#isClosed = true;
      this.inbox.close();
      markClosed();
      this.#wake();
    });
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends now, or queues until the next open (the queue's own rules drop some). */
  send(data: string | ArrayBuffer): Promise<void> {
    if (this.#isClosed) return Promise.reject(new StepError('socket_closed', `socket "${this.name}" is closed`));
    this.lastSendAt = performance.now();
    if (this.#socket.send(data) === 'dropped')
      return Promise.reject(new StepError('send_failed', `socket "${this.name}" dropped the message (queue full)`));
    this.#metrics.message('sent', data);
    return Promise.resolve();
  }

  async close(code: number, reason: string, timeout: number): Promise<void> {
    if (this.#isClosed) return;
    try {
      this.#socket.close(code, reason);
    } catch (error) {
      throw new StepError('close_failed', (error as Error).message);
    }
    await within(timeout, this.closed, () => new StepError('close_timeout', `socket "${this.name}" did not close`));
  }

  /**
   * Waits until a connection is open, at most `timeout` ms. With `force`, first replaces the current connection
   * (or skips the backoff delay) so that a new one is made now. `first`: this is the socket's first connection.
   */
  async reconnect(force: boolean, timeout: number, first = false): Promise<void> {
    if (this.#isClosed) throw new StepError('socket_closed', `socket "${this.name}" is closed`);
    // Forced: the next open counts, even when a connection is open now (it is being replaced).
    const opensBefore = this.#opens;
    const done = (): boolean => this.#isClosed || (this.#isOpen && (!force || this.#opens > opensBefore));
    if (force) this.#socket.reconnect();
    if (done()) return;
    const reopened = new Promise<void>((resolve) => {
      const waiter = (): void => {
        if (!done()) return;
        this.#waiters.delete(waiter);
        resolve();
      };
      this.#waiters.add(waiter);
    });
    await within(timeout, reopened, () => {
      const last = this.#lastFailure;
      // The first connection fails as a plain one would, by its last attempt's failure; a reconnection by its time.
      if (first)
        return last ?? new StepError('handshake_timeout', `socket "${this.name}" did not open in ${timeout} ms`);
      const why = last === undefined ? '' : ` (last attempt: ${last.message})`;
      return new StepError('reconnect_timeout', `socket "${this.name}" did not open again in ${timeout} ms${why}`);
    });
    if (this.#isClosed) throw new StepError('socket_closed', `socket "${this.name}" closed for good`);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
