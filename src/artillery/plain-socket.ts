/**
 * A plain socket: one `wx.connectSocket` and its `SocketTask`, as most mini programs use it. Lost is lost: a step on
 * it after the server closed it fails with `socket_closed`.
 */
import type { SocketTask } from '../socket-task.js';
import type { Wx } from '../types.js';
import { StepError, kindOfErrMsg } from './errors.js';
import { Inbox } from './inbox.js';
import { Metric, connectFailedMetric, type Metrics } from './metrics.js';
import { recordClose, recordOpen, within, type ConnectRequest, type VuSocket } from './vu-socket.js';

const OPEN = 1;

export class PlainSocket implements VuSocket {
  readonly name: string;
  readonly inbox: Inbox;
  readonly reliable = false;
  readonly closed: Promise<void>;
  /** Resolves when the handshake succeeded; rejects with the `StepError` of its failure. */
  readonly opened: Promise<void>;
  lastSendAt: number | undefined;
  readonly #task: SocketTask | undefined;
  readonly #metrics: Metrics;
  #isClosed = false;

  constructor(wx: Wx, name: string, request: ConnectRequest, metrics: Metrics, inboxLimit: number) {
    this.name = name;
    this.#metrics = metrics;
    this.inbox = new Inbox(inboxLimit, () => metrics.counter(Metric.inboxDropped));
    const startedAt = performance.now();
    let markClosed!: () => void;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    let settle!: (error: StepError | undefined) => void;
    this.opened = new Promise((resolve, reject) => {
      settle = (error) => {
        settle = () => undefined; // the first outcome stands (onError, then onClose, both end an attempt)
        if (error === undefined) return resolve();
        metrics.counter(Metric.connectionsFailed);
        metrics.counter(connectFailedMetric(error.kind));
        reject(error);
      };
    });
    // Handled by whoever awaits it; without a reader (a VU that already failed) it must not become unhandled.
    this.opened.catch(() => undefined);
    const end = (): void => {
      this.#isClosed = true;
      this.inbox.close();
      markClosed();
    };

    const task = wx.connectSocket({
      url: request.url,
      ...(request.header !== undefined && { header: request.header }),
      ...(request.protocols !== undefined && { protocols: request.protocols }),
      ...(request.perMessageDeflate !== undefined && { perMessageDeflate: request.perMessageDeflate }),
      timeout: request.timeout,
      fail: ({ errMsg }) => {
        // Bad options (no task) or the connection limit (a task born CLOSED): no event follows (contract §1, §6).
        settle(new StepError(kindOfErrMsg(errMsg), errMsg));
        end();
      },
    }) as SocketTask | undefined;
    this.#task = task;
    if (task === undefined) return;
    let wasOpen = false;
    task.onOpen(({ profile }) => {
      wasOpen = true;
      recordOpen(metrics, startedAt, profile);
      settle(undefined);
    });
    task.onError(({ errMsg }) => settle(new StepError(kindOfErrMsg(errMsg), errMsg)));
    task.onMessage(({ data }) => {
      metrics.message('received', data);
      this.inbox.put({ data, at: performance.now() });
    });
    task.onClose(({ code, reason }) => {
      if (wasOpen) recordClose(metrics, code);
      else settle(new StepError('handshake_failed', `closed before opening: ${code} ${reason}`));
      end();
    });
  }

  get isOpen(): boolean {
    return this.#task?.readyState === OPEN;
  }

  get isClosed(): boolean {
    return this.#isClosed;
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
}
