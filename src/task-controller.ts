/**
 * The state machine behind each `SocketTask` (contract §2): what a task does, as opposed to `socket-task.ts`, which
 * is what users see of it.
 *
 * One field holds the state (`#phase`), changed only by the named transitions below (`start`, `opened`,
 * `#finish`); `readyState` is derived from it. WeChat moves `readyState` CONNECTING → OPEN → CLOSED and never
 * shows CLOSING [lib], so the internal `closing` phase reads as OPEN.
 */
import { completionFor, failLater, type CallResult } from './callbacks.js';
import type { ConnectRequest } from './connect-options.js';
import { Api, Messages, fail, ok, parameterError, typeName } from './messages.js';
import type { Settings } from './options.js';
import { ErrCode } from './profiles.js';
import { invokeSafely } from './report.js';
import { later } from './schedule.js';
import { utf8Length } from './utf8.js';
import {
  ReadyState,
  createPublicTask,
  type OnOpenListenerResult,
  type SocketTask,
  type SocketTaskOnCloseListenerResult,
  type SocketTaskOnErrorListenerResult,
  type SocketTaskOnMessageListenerResult,
} from './socket-task.js';
import type { SocketProfile, TransportConnection, TransportFailureKind, TransportHandlers } from './transport.js';

type Phase = 'connecting' | 'open' | 'closing' | 'closed';

type EventResults = {
  open: OnOpenListenerResult;
  message: SocketTaskOnMessageListenerResult;
  error: SocketTaskOnErrorListenerResult;
  close: SocketTaskOnCloseListenerResult;
};
export type SocketEvent = keyof EventResults;

/** Listener names as WeChat's console would name them, for error reports. */
const WHERE = {
  open: 'SocketTask.onOpen listener',
  message: 'SocketTask.onMessage listener',
  error: 'SocketTask.onError listener',
  close: 'SocketTask.onClose listener',
} as const;

/** What the `wx` object that created a task learns from it (the global API and the connection count, §3, §6). */
export interface TaskOwner {
  readonly settings: Settings;
  /** An event the task's own listeners just received (`open` gets the task's own result object). */
  dispatched<E extends SocketEvent>(task: TaskController, event: E, result: EventResults[E]): void;
  /** The task reached CLOSED and is about to deliver its terminal event: its slot is free. */
  released(task: TaskController): void;
}

/** How a task that never opened a network connection ends. */
export type StillbornReason = 'domain-rejected' | 'over-limit';

type Listeners = { [E in SocketEvent]: Array<(result: EventResults[E]) => unknown> };

/** A close the caller asked for. */
interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

/** A failure waiting for `#finish`, which reports it before `onClose` (§2 event order). */
interface Failure {
  readonly errMsg: string;
  readonly errCode: number;
}

/** What a close call returned to its caller, and whether it was accepted (valid code and reason, not CLOSED). */
export interface CloseCall {
  readonly returned: Promise<CallResult> | void;
  readonly accepted: boolean;
}

/** One task's state machine. Internal: users hold its `task`, the public `SocketTask`. */
export class TaskController {
  /** What users see of this task. */
  readonly task: SocketTask;
  readonly #owner: TaskOwner;
  #phase: Phase = 'connecting';
  #listeners: Listeners | undefined;
  #link: Link | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closeRequest: CloseRequest | undefined;
  #failure: Failure | undefined;

  constructor(owner: TaskOwner) {
    this.#owner = owner;
    this.task = createPublicTask(this);
  }

  /**
   * Not a plain object to anyone who asks `Object.prototype.toString`: state libraries (Vue's `reactive()`) then
   * leave it unwrapped when they wrap the task that holds it.
   */
  get [Symbol.toStringTag](): string {
    return 'TaskController';
  }

  get settings(): Settings {
    return this.#owner.settings;
  }

  get readyState(): 0 | 1 | 3 {
    const phase = this.#phase;
    return phase === 'connecting' ? 0 : phase === 'closed' ? 3 : 1;
  }

  listen<E extends SocketEvent>(event: E, listener: unknown): void {
    if (typeof listener !== 'function') return; // a non-function is ignored [lib]
    const listeners = (this.#listeners ??= { open: [], message: [], error: [], close: [] });
    (listeners[event] as unknown[]).push(listener);
  }

  send(option: unknown, notOpen: string, promiseWithoutCallbacks: boolean): Promise<CallResult> | void {
    const isObject = typeName(option) === 'Object';
    const completion = completionFor(Api.send, isObject ? (option as object) : undefined, this.#owner.settings.report, promiseWithoutCallbacks);
    if (!isObject) return failLater(completion, fail(Api.send, parameterError('parameter', 'Object', option)));
    // State first, then data: the state check is the base library's, the data check the native layer's [lib].
    if (this.#phase !== 'open') return failLater(completion, notOpen);
    let data: unknown;
    try {
      data = (option as { data?: unknown }).data;
    } catch {
      return failLater(completion, fail(Api.send, Messages.unknownData));
    }
    if (typeof data !== 'string' && !isArrayBuffer(data)) return failLater(completion, fail(Api.send, Messages.unknownData));
    const connection = this.#link!.connection!;
    if (!completion) {
      connection.send(data);
      return;
    }
    connection.send(data, (error) => {
      if (error) completion.fail({ errMsg: fail(Api.send, Messages.notConnected) });
      else completion.succeed({ errMsg: ok(Api.send) });
    });
    return completion.promise;
  }

  close(option: unknown, promiseWithoutCallbacks: boolean): CloseCall {
    const { features } = this.#owner.settings;
    const isObject = typeName(option) === 'Object';
    const completion = completionFor(Api.close, isObject ? (option as object) : undefined, this.#owner.settings.report, promiseWithoutCallbacks);
    if (this.#phase === 'closed') return { returned: failLater(completion, fail(Api.close, Messages.notConnected)), accepted: false };
    // `close()` with no options closes with 1000; below 1.4.0 code and reason do not exist [doc].
    let request: CloseRequest | string = { code: 1000, reason: '' };
    if (isObject && features.closeCode) request = readCloseRequest(option as object);
    if (typeof request === 'string') return { returned: failLater(completion, fail(Api.close, request)), accepted: false };
    completion?.settleLater({ errMsg: ok(Api.close) }, true);
    this.requestClose(request);
    return { returned: completion?.promise, accepted: true };
  }

  /** Starts the closing handshake, or abandons the handshake when still CONNECTING. */
  requestClose(request: CloseRequest): void {
    if (this.#phase === 'open') {
      this.#closeRequest = request;
      this.#phase = 'closing';
      this.#link!.connection!.close(request.code, request.reason);
    } else if (this.#phase === 'connecting') {
      // The handshake is abandoned; `onClose` reports what the caller asked for, on a later turn (§0.1).
      this.#endNow(request);
    }
    // Already closing: the first request stands [ours].
  }

  /**
   * Below 1.7.0 a new `connectSocket` ends this socket at once [doc: 1.x]: `onClose` (1000) follows on the next
   * turn, before the new socket starts connecting, without waiting for the server.
   */
  replace(): void {
    if (this.#phase !== 'closed') this.#endNow({ code: 1000, reason: '' });
  }

  /** Ends the task without waiting for the network: a close frame if open, else an abort; `onClose` next turn. */
  #endNow(request: CloseRequest): void {
    const { code, reason } = (this.#closeRequest ??= request);
    clearTimeout(this.#timer);
    this.#unlink(request);
    if (this.#phase === 'open') this.#phase = 'closing';
    later(() => this.#finish(code, reason));
  }

  start(request: ConnectRequest): void {
    // Closed before the attempt began (close while CONNECTING in the same turn): no network at all.
    if (this.#phase !== 'connecting' || this.#closeRequest) return;
    const { settings } = this.#owner;
    // The per-call timeout wins over app.json's (§1), capped to what `setTimeout` honours (a larger delay fires at once).
    const timeout = Math.min(request.timeout ?? settings.defaultTimeout, 2 ** 31 - 1);
    this.#timer = setTimeout(() => this.#fail(Messages.openTimeout, ErrCode.neverOpened), timeout);
    const link = (this.#link = new Link(this));
    try {
      const connection = settings.transport(
        {
          url: request.url,
          headers: request.headers,
          protocols: request.protocols,
          perMessageDeflate: request.perMessageDeflate,
          tcpNoDelay: request.tcpNoDelay,
          maxMessageSize: settings.maxMessageSize,
          ca: settings.ca,
        },
        link,
      );
      // A transport may report a failure before it returns; the connection is then already let go.
      if (link.task) link.connection = connection;
      else connection.abort();
    } catch {
      // A transport that throws (e.g. `ws://` with no host, which passes WeChat's URL pattern) failed to connect.
      this.#fail(Messages.openTransportError, ErrCode.neverOpened);
    }
  }

  opened(header: Record<string, string>, profile: SocketProfile): void {
    if (this.#phase !== 'connecting') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#phase = 'open';
    const { features } = this.#owner.settings;
    const result = { header: features.openHeader ? header : {} } as OnOpenListenerResult;
    if (features.openProfile) result.profile = profile;
    this.#emit('open', result);
  }

  received(data: string | ArrayBuffer): void {
    if (this.#phase === 'open' || this.#phase === 'closing') this.#emit('message', { data });
  }

  /** A transport failure ends the connection: `onError`, then `onClose` 1006 (§2 event order). */
  failed(kind: TransportFailureKind, cause: Error): void {
    if (this.#phase === 'closed' || this.#failure) return;
    if (this.#phase === 'connecting') {
      this.#fail(kind === 'handshake' ? Messages.openHttpError : Messages.openTransportError, ErrCode.neverOpened);
    } else {
      this.#fail(cause.message || Messages.abnormalClosure, ErrCode.failedAfterOpen);
    }
  }

  #fail(errMsg: string, errCode: number): void {
    this.#failure = { errMsg, errCode };
    this.#unlink();
    this.#finish(1006, Messages.abnormalClosure);
  }

  /** Lets go of the connection and stops listening to it: a close frame when open and one is asked for, else an abort. */
  #unlink(farewell?: CloseRequest): void {
    const link = this.#link;
    if (!link) return;
    this.#link = undefined;
    link.task = undefined;
    if (farewell && this.#phase === 'open') link.connection?.close(farewell.code, farewell.reason);
    else link.connection?.abort();
  }

  closed(code: number, reason: string): void {
    if (this.#phase === 'connecting') return this.failed('transport', new Error('closed during the handshake'));
    this.#link = undefined;
    this.#finish(code, reason);
  }

  /** The one way to CLOSED: releases the slot, then delivers `onError` (if any) and `onClose`, each once. */
  #finish(code: number, reason: string): void {
    if (this.#phase === 'closed') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#phase = 'closed';
    this.#owner.released(this);
    const failure = this.#failure;
    if (failure) {
      this.#emitError(failure);
    } else if (this.#closeRequest) {
      // When we closed first, the code and reason we asked for [ours, §2].
      ({ code, reason } = this.#closeRequest);
    } else if (code === 1006 && reason === '') {
      reason = Messages.abnormalClosure;
    }
    this.#emit('close', { code, reason });
    this.#endListeners();
  }

  /** A task that never touches the network: refused by the domain check (`onError` only, §5) or over the limit. */
  stillborn(reason: StillbornReason): void {
    this.#phase = 'closed';
    if (reason === 'domain-rejected') {
      const { profile } = this.#owner.settings;
      // Listeners attached right after `connectSocket` returns must see it: a later macrotask [lib].
      later(() => {
        this.#owner.released(this);
        this.#emitError({ errMsg: profile.domainRejected, errCode: ErrCode.neverOpened });
        this.#endListeners();
      });
    }
  }

  #emitError(failure: Failure): void {
    const result: SocketTaskOnErrorListenerResult = { errMsg: failure.errMsg };
    if (this.#owner.settings.profile.errorHasErrCode) result.errCode = failure.errCode;
    this.#emit('error', result);
  }

  #endListeners(): void {
    if (this.#owner.settings.profile.dropsListenersAfterClose) this.#listeners = undefined; // [lib, ios]
  }

  #emit<E extends SocketEvent>(event: E, result: EventResults[E]): void {
    const listeners = this.#listeners?.[event];
    if (listeners) {
      const { report } = this.#owner.settings;
      // Listeners added during dispatch wait for the next event, as with EventTarget.
      for (let i = 0, n = listeners.length; i < n; i++) invokeSafely(listeners[i]!, result, report, WHERE[event]);
    }
    this.#owner.dispatched(this, event, result);
  }
}

/**
 * A task's tie to its transport connection: the transport's handlers, forwarding to the task's transitions until
 * the task lets go (`task` cleared), after which the connection's late events are ignored.
 */
class Link implements TransportHandlers {
  task: TaskController | undefined;
  connection: TransportConnection | undefined;
  constructor(task: TaskController) {
    this.task = task;
  }
  onOpen(header: Record<string, string>, profile: SocketProfile): void {
    this.task?.opened(header, profile);
  }
  onMessage(data: string | ArrayBuffer): void {
    this.task?.received(data);
  }
  onError(kind: TransportFailureKind, cause: Error): void {
    this.task?.failed(kind, cause);
  }
  onClose(code: number, reason: string): void {
    this.task?.closed(code, reason);
  }
}

/** Creates a task in CONNECTING and starts the connection attempt after the current turn (§1). */
export function createTask(owner: TaskOwner, request: ConnectRequest): TaskController {
  const controller = new TaskController(owner);
  later(() => controller.start(request));
  return controller;
}

/** Creates a task that will never connect (§5, §6): it is CLOSED at once. */
export function createStillbornTask(owner: TaskOwner, reason: StillbornReason): TaskController {
  const controller = new TaskController(owner);
  controller.stillborn(reason);
  return controller;
}

/** Any realm's ArrayBuffer (jest runs tests in their own realm); not a SharedArrayBuffer, view or Blob. */
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  // The `byteLength` getter checks for a real ArrayBuffer of any realm and throws for anything else (a
  // SharedArrayBuffer, a proxy, an object whose Symbol.toStringTag says 'ArrayBuffer'), where `instanceof` and the
  // tag can be fooled or throw themselves.
  try {
    arrayBufferByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;

/** `code` and `reason` of a close [lib/ours, §2]. */
function readCloseRequest(option: object): CloseRequest | string {
  let code: unknown;
  let reason: unknown;
  try {
    ({ code, reason } = option as { code?: unknown; reason?: unknown });
  } catch {
    code = reason = undefined;
  }
  if (typeof code !== 'number') code = 1000; // a non-number becomes 1000 [lib]
  if (!Number.isInteger(code) || (code !== 1000 && !((code as number) >= 3000 && (code as number) <= 4999))) {
    return Messages.invalidCloseCode;
  }
  const text = typeof reason === 'string' ? reason : ''; // a non-string reason counts as none [ours]
  // Each UTF-16 unit is 1 to 3 bytes: up to 41 units always fit, over 123 never do, and nothing huge is walked.
  if (text.length > 41 && (text.length > 123 || utf8Length(text) > 123)) return Messages.reasonTooLong;
  return { code: code as number, reason: text };
}
