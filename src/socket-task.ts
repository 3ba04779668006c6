/**
 * `SocketTask`: one WebSocket connection with WeChat's semantics (contract §2).
 *
 * One field holds the state (`#phase`), changed only by the named transitions below (`#start`, `#opened`,
 * `#finish`); `readyState` is derived from it. WeChat moves `readyState` CONNECTING → OPEN → CLOSED and never
 * shows CLOSING [lib], so the internal `closing` phase reads as OPEN.
 */
import { Completion, completionFor, failLater, readCallbacks, type CallResult } from './callbacks.js';
import type { ConnectRequest } from './connect-options.js';
import { Api, Messages, fail, ok, parameterError, typeName } from './messages.js';
import type { Settings } from './options.js';
import { ErrCode } from './profiles.js';
import { invokeSafely } from './report.js';
import { later } from './schedule.js';
import type { GeneralCallbackResult } from './types.js';
import type { SocketProfile, TransportConnection, TransportFailureKind, TransportHandlers } from './transport.js';

export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

type Phase = 'connecting' | 'open' | 'closing' | 'closed';

/** `onOpen` result: `header` from 2.0.0 and `profile` from 2.10.4 [doc]. */
export interface OnOpenListenerResult {
  header: Record<string, string>;
  profile: SocketProfile;
}
export interface SocketTaskOnMessageListenerResult {
  data: string | ArrayBuffer;
}
export interface SocketTaskOnErrorListenerResult {
  errMsg: string;
  /** Present on profile `android` [lib]. */
  errCode?: number;
}
export interface SocketTaskOnCloseListenerResult {
  code: number;
  reason: string;
}

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
  dispatched<E extends SocketEvent>(task: SocketTask, event: E, result: EventResults[E]): void;
  /** The task reached CLOSED and is about to deliver its terminal event: its slot is free. */
  released(task: SocketTask): void;
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

// Module-internal access to the task's transitions, for the transport handlers and `createSocketTask` below.
let internals: {
  start(task: SocketTask, request: ConnectRequest, timeout: number): void;
  stillborn(task: SocketTask, reason: StillbornReason): void;
  opened(task: SocketTask, header: Record<string, string>, profile: SocketProfile): void;
  received(task: SocketTask, data: string | ArrayBuffer): void;
  failed(task: SocketTask, kind: TransportFailureKind, cause: Error): void;
  closed(task: SocketTask, code: number, reason: string): void;
  closeFor(task: SocketTask, code: number, reason: string): void;
  replace(task: SocketTask): void;
  send(task: SocketTask, option: unknown, notOpen: string, promiseWithoutCallbacks: boolean): Promise<CallResult> | void;
  close(task: SocketTask, option: unknown, promiseWithoutCallbacks: boolean): CloseCall;
};

/** What a close call returned to its caller, and whether it was accepted (valid code and reason, not CLOSED). */
export interface CloseCall {
  readonly returned: Promise<CallResult> | void;
  readonly accepted: boolean;
}

/**
 * A WebSocket connection made by `wx.connectSocket` [doc: SocketTask]. Listeners are additive and called in
 * registration order; a listener that throws is reported and dispatch goes on (§0.3).
 */
export class SocketTask {
  readonly CONNECTING = ReadyState.CONNECTING;
  readonly OPEN = ReadyState.OPEN;
  readonly CLOSING = ReadyState.CLOSING;
  readonly CLOSED = ReadyState.CLOSED;

  readonly #owner: TaskOwner;
  #phase: Phase = 'connecting';
  #listeners: Listeners | undefined;
  #link: Link | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closeRequest: CloseRequest | undefined;
  #failure: Failure | undefined;

  /** @internal Tasks are made by `wx.connectSocket`. */
  constructor(owner: TaskOwner) {
    this.#owner = owner;
  }

  /** `0` CONNECTING, `1` OPEN, `3` CLOSED. Not documented by WeChat, but present and read by real clients [lib]. */
  get readyState(): 0 | 1 | 3 {
    const phase = this.#phase;
    return phase === 'connecting' ? 0 : phase === 'closed' ? 3 : 1;
  }

  /** Listens for the connection opening: `{header, profile}` [doc: SocketTask.onOpen]. */
  onOpen(listener: (result: OnOpenListenerResult) => void): void {
    if (isTask(this)) this.#listen('open', listener);
  }

  /** Listens for messages: `{data}`, a `string` or an `ArrayBuffer` [doc: SocketTask.onMessage]. */
  onMessage(listener: (result: SocketTaskOnMessageListenerResult) => void): void {
    if (isTask(this)) this.#listen('message', listener);
  }

  /** Listens for a failure: `{errMsg}` (+ `errCode` on android) [doc: SocketTask.onError]. */
  onError(listener: (result: SocketTaskOnErrorListenerResult) => void): void {
    if (isTask(this)) this.#listen('error', listener);
  }

  /** Listens for the end of the connection: `{code, reason}` [doc: SocketTask.onClose]. Fires once, last. */
  onClose(listener: (result: SocketTaskOnCloseListenerResult) => void): void {
    if (isTask(this)) this.#listen('close', listener);
  }

  /**
   * Sends a `string` or an `ArrayBuffer` [doc: SocketTask.send]. `success` comes once the transport has taken the
   * data. On profile `ios`, returns a Promise when called without callbacks [lib].
   */
  send(option: SocketTaskSendOption): Promise<CallResult> | void {
    if (!isTask(this)) return detached(Api.send, 'send', option);
    return this.#send(option, this.#owner.settings.profile.sendNotOpen, this.#owner.settings.profile.taskMethodsReturnPromise);
  }

  /**
   * Closes the connection [doc: SocketTask.close]: `code` 1000 or 3000–4999, `reason` at most 123 UTF-8 bytes.
   * While CONNECTING, abandons the handshake; `onClose` then reports the requested code and reason [ours].
   */
  close(option?: SocketTaskCloseOption): Promise<CallResult> | void {
    if (!isTask(this)) return detached(Api.close, 'close', option);
    return this.#close(option, this.#owner.settings.profile.taskMethodsReturnPromise).returned;
  }

  #listen<E extends SocketEvent>(event: E, listener: unknown): void {
    if (typeof listener !== 'function') return; // a non-function is ignored [lib]
    const listeners = (this.#listeners ??= { open: [], message: [], error: [], close: [] });
    (listeners[event] as unknown[]).push(listener);
  }

  #send(option: unknown, notOpen: string, promiseWithoutCallbacks: boolean): Promise<CallResult> | void {
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

  #close(option: unknown, promiseWithoutCallbacks: boolean): CloseCall {
    const { features } = this.#owner.settings;
    const isObject = typeName(option) === 'Object';
    const completion = completionFor(Api.close, isObject ? (option as object) : undefined, this.#owner.settings.report, promiseWithoutCallbacks);
    if (this.#phase === 'closed') return { returned: failLater(completion, fail(Api.close, Messages.notConnected)), accepted: false };
    // `close()` with no options closes with 1000; below 1.4.0 code and reason do not exist [doc].
    let request: CloseRequest | string = { code: 1000, reason: '' };
    if (isObject && features.closeCode) request = readCloseRequest(option as object);
    if (typeof request === 'string') return { returned: failLater(completion, fail(Api.close, request)), accepted: false };
    completion?.settleLater({ errMsg: ok(Api.close) }, true);
    this.#requestClose(request);
    return { returned: completion?.promise, accepted: true };
  }

  /** Starts the closing handshake, or abandons the handshake when still CONNECTING. */
  #requestClose(request: CloseRequest): void {
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
  #replace(): void {
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

  #start(request: ConnectRequest, timeout: number): void {
    // Closed before the attempt began (close while CONNECTING in the same turn): no network at all.
    if (this.#phase !== 'connecting' || this.#closeRequest) return;
    const { settings } = this.#owner;
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

  #opened(header: Record<string, string>, profile: SocketProfile): void {
    if (this.#phase !== 'connecting') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#phase = 'open';
    const { features } = this.#owner.settings;
    const result = { header: features.openHeader ? header : {} } as OnOpenListenerResult;
    if (features.openProfile) result.profile = profile;
    this.#emit('open', result);
  }

  #received(data: string | ArrayBuffer): void {
    if (this.#phase === 'open' || this.#phase === 'closing') this.#emit('message', { data });
  }

  /** A transport failure ends the connection: `onError`, then `onClose` 1006 (§2 event order). */
  #failed(kind: TransportFailureKind, cause: Error): void {
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

  #closed(code: number, reason: string): void {
    if (this.#phase === 'connecting') return this.#failed('transport', new Error('closed during the handshake'));
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
  #stillborn(reason: StillbornReason): void {
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

  static {
    internals = {
      start: (task, request, timeout) => task.#start(request, timeout),
      stillborn: (task, reason) => task.#stillborn(reason),
      opened: (task, header, profile) => task.#opened(header, profile),
      received: (task, data) => task.#received(data),
      failed: (task, kind, cause) => task.#failed(kind, cause),
      closed: (task, code, reason) => task.#closed(code, reason),
      closeFor: (task, code, reason) => task.#requestClose({ code, reason }),
      replace: (task) => task.#replace(),
      send: (task, option, notOpen, promise) => task.#send(option, notOpen, promise),
      close: (task, option, promise) => task.#close(option, promise),
    };
  }
}

/** `task.send` options [doc]. */
export interface SocketTaskSendOption {
  data: string | ArrayBuffer;
  success?: ((result: GeneralCallbackResult) => void) | undefined;
  fail?: ((result: GeneralCallbackResult) => void) | undefined;
  complete?: ((result: GeneralCallbackResult) => void) | undefined;
}

/** `task.close` options [doc]. */
export interface SocketTaskCloseOption {
  code?: number;
  reason?: string;
  success?: ((result: GeneralCallbackResult) => void) | undefined;
  fail?: ((result: GeneralCallbackResult) => void) | undefined;
  complete?: ((result: GeneralCallbackResult) => void) | undefined;
}

/**
 * A task's tie to its transport connection: the transport's handlers, forwarding to the task's transitions until
 * the task lets go (`task` cleared), after which the connection's late events are ignored.
 */
class Link implements TransportHandlers {
  task: SocketTask | undefined;
  connection: TransportConnection | undefined;
  constructor(task: SocketTask) {
    this.task = task;
  }
  onOpen(header: Record<string, string>, profile: SocketProfile): void {
    if (this.task) internals.opened(this.task, header, profile);
  }
  onMessage(data: string | ArrayBuffer): void {
    if (this.task) internals.received(this.task, data);
  }
  onError(kind: TransportFailureKind, cause: Error): void {
    if (this.task) internals.failed(this.task, kind, cause);
  }
  onClose(code: number, reason: string): void {
    if (this.task) internals.closed(this.task, code, reason);
  }
}

/**
 * Every task `wx.connectSocket` made. The brand check of the task methods: unlike `instanceof` followed by a private
 * field read, it never throws (§0.5), whatever `this` is: a revoked proxy, a proxy of a task (Vue's `reactive()`), an
 * object inheriting from a task.
 */
const genuineTasks = new WeakSet<object>();

/** Creates a task in CONNECTING and starts the connection attempt after the current turn (§1). */
export function createSocketTask(owner: TaskOwner, request: ConnectRequest, timeout: number): SocketTask {
  const task = new SocketTask(owner);
  genuineTasks.add(task);
  later(() => internals.start(task, request, timeout));
  return task;
}

/** Creates a task that will never connect (§5, §6): it is CLOSED at once. */
export function createStillbornTask(owner: TaskOwner, reason: StillbornReason): SocketTask {
  const task = new SocketTask(owner);
  genuineTasks.add(task);
  internals.stillborn(task, reason);
  return task;
}

/** Closes a task on the caller's behalf, without callbacks (`wx.closeSocket` closing the others, §3). */
export function closeTask(task: SocketTask, code: number, reason: string): void {
  internals.closeFor(task, code, reason);
}

/** Ends a task replaced by a newer `connectSocket` below 1.7.0 (§4). */
export function replaceTask(task: SocketTask): void {
  internals.replace(task);
}

/** `wx.sendSocketMessage` on the current task: `task.send` with the global API's not-OPEN text and Promise rule. */
export function sendOn(task: SocketTask, option: unknown, notOpen: string, promiseWithoutCallbacks: boolean): Promise<CallResult> | void {
  return internals.send(task, option, notOpen, promiseWithoutCallbacks);
}

/** `wx.closeSocket` on the current task: `task.close` with the global API's Promise rule. */
export function closeOn(task: SocketTask, option: unknown, promiseWithoutCallbacks: boolean): CloseCall {
  return internals.close(task, option, promiseWithoutCallbacks);
}

/** Brand check: `this` may be anything when a method is called unbound. */
function isTask(value: unknown): value is SocketTask {
  return genuineTasks.has(value as object);
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

/** A task method called with a `this` that is not a task: a `fail`, never a throw (§0.5). */
function detached(api: string, method: string, option: unknown): void {
  if (typeName(option) !== 'Object') return;
  const callbacks = readCallbacks(option as object);
  new Completion(api, callbacks, () => {}, false).settleLater({ errMsg: fail(api, Messages.detached(method)) }, false);
}

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
  if (text.length > 41 && utf8Length(text) > 123) return Messages.reasonTooLong;
  return { code: code as number, reason: text };
}

/** UTF-8 byte length without allocating (lone surrogates count 3, as TextEncoder writes U+FFFD). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
