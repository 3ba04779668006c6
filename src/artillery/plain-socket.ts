/**
 * A plain socket: one `wx.connectSocket` and its `SocketTask`, as most mini programs use it. Lost is lost: a step on
 * it after the server closed it fails with `socket_closed`.
 *
 * Held by every virtual user for the whole run, so it keeps little: its state in fields rather than in closures, the
 * four listeners it must give its task, and the promise of its end only once someone waits for it. The handshake's
 * outcome goes to the connect step's promise, which the socket does not keep.
 */
import type { SocketTask } from '../socket-task.js';
import type {
  OnOpenListenerResult,
  SocketTaskOnCloseListenerResult,
  SocketTaskOnErrorListenerResult,
  SocketTaskOnMessageListenerResult,
} from '../types.js';
import { StepError, kindOfErrMsg } from './errors.js';
import { Inbox } from './inbox.js';
import { Metric, connectFailedMetric, type Metrics } from './metrics.js';
import { recordClose, recordOpen, within, type ConnectRequest, type VuSocket } from './vu-socket.js';
import type { VirtualUser } from './vu.js';

const OPEN = 1;

/** What settles the connect step: the handshake succeeded, or failed with a `StepError`. */
export interface Opening {
  resolve(): void;
  reject(error: StepError): void;
}

export class PlainSocket implements VuSocket {
  readonly name: string;
  readonly inbox: Inbox;
  lastSendAt: number | undefined;
  readonly #task: SocketTask | undefined;
  readonly #metrics: Metrics;
  /** When `connectSocket` was called, until the socket opens (a number kept in a field takes 16 bytes). */
  #startedAt: number | undefined = performance.now();
  #wasOpen = false;
  #isClosed = false;
  /** Until the first outcome (onError, then onClose, both end an attempt). */
  #opening: Opening | undefined;
  #closed: Promise<void> | undefined;
  #markClosed: (() => void) | undefined;

  constructor(
    vu: Pick<VirtualUser, 'connectSocket'>,
    name: string,
    request: ConnectRequest,
    metrics: Metrics,
    inboxLimit: number,
    opening: Opening,
  ) {
    this.name = name;
    this.#metrics = metrics;
    this.inbox = new Inbox(inboxLimit, metrics);
    this.#opening = opening;

    const task = vu.connectSocket({
      url: request.url,
      ...(request.header !== undefined && { header: request.header }),
      ...(request.protocols !== undefined && { protocols: request.protocols }),
      ...(request.perMessageDeflate !== undefined && { perMessageDeflate: request.perMessageDeflate }),
      timeout: request.timeout,
      fail: ({ errMsg }) => {
        // Bad options (no task) or the connection limit (a task born CLOSED): no event follows (contract §1, §6).
        this.#settle(new StepError(kindOfErrMsg(errMsg), errMsg));
        this.#end();
      },
    });
    this.#task = task;
    if (task === undefined) return;
    // Bound methods rather than closures: four of them and no shared context, 70 bytes less per socket.
    task.onOpen(this.#onOpen.bind(this));
    task.onError(this.#onError.bind(this));
    task.onMessage(this.#onMessage.bind(this));
    task.onClose(this.#onClose.bind(this));
  }

  #onOpen({ profile }: OnOpenListenerResult): void {
    this.#wasOpen = true;
    recordOpen(this.#metrics, this.#startedAt!, profile); // a task opens once at most
    this.#startedAt = undefined;
    this.#settle(undefined);
  }

  #onError({ errMsg }: SocketTaskOnErrorListenerResult): void {
    this.#settle(new StepError(kindOfErrMsg(errMsg), errMsg));
  }

  #onMessage({ data }: SocketTaskOnMessageListenerResult): void {
    this.#metrics.message('received', data);
    this.inbox.put({ data, at: performance.now() });
  }

  #onClose({ code, reason }: SocketTaskOnCloseListenerResult): void {
    if (this.#wasOpen) recordClose(this.#metrics, code);
    else this.#settle(new StepError('handshake_failed', `closed before opening: ${code} ${reason}`));
    this.#end();
  }

  get reliable(): boolean {
    return false;
  }

  get isOpen(): boolean {
    return this.#task?.readyState === OPEN;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Resolves once the socket is closed for good. */
  get closed(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    return (this.#closed ??= new Promise((resolve) => (this.#markClosed = resolve)));
  }

  send(data: string | ArrayBuffer): Promise<void> {
    const task = this.#task;
    if (task === undefined || task.readyState !== OPEN)
      return Promise.reject(new StepError('socket_closed', `socket "${this.name}" is not open`));
    this.lastSendAt = performance.now();
    this.#metrics.message('sent', data);
    return new Promise((resolve, reject) => {
      void task.send({
        data,
        success: () => resolve(),
        // Closed under the step (a suspension whose onClose is still held): the socket's end, not the send's.
        fail: ({ errMsg }) =>
          reject(new StepError(/not connected|not OPEN/.test(errMsg) ? 'socket_closed' : 'send_failed', errMsg)),
      });
    });
  }

  async close(code: number, reason: string, timeout: number): Promise<void> {
    const task = this.#task;
    if (task === undefined || this.#isClosed) return this.closed;
    await new Promise<void>((resolve, reject) => {
      void task.close({
        code,
        reason,
        success: () => resolve(),
        fail: ({ errMsg }) => reject(new StepError('close_failed', errMsg)),
      });
    });
    await within(timeout, this.closed, () => new StepError('close_timeout', `socket "${this.name}" got no onClose`));
  }

  /** The first outcome of the handshake settles the opening; later ones are ignored. */
  #settle(error: StepError | undefined): void {
    const opening = this.#opening;
    if (opening === undefined) return;
    this.#opening = undefined;
    if (error === undefined) return opening.resolve();
    this.#metrics.counter(Metric.connectionsFailed);
    this.#metrics.counter(connectFailedMetric(error.kind));
    opening.reject(error);
  }

  #end(): void {
    this.#isClosed = true;
    this.inbox.close();
    this.#markClosed?.();
  }
}
