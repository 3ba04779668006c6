/**
 * The state machine behind each `SocketTask` (contract §2): what a task does, as opposed to `socket-task.ts`, which
 * is what users see of it.
 *
 * One field holds the state (`#phase`), numbered as WebSocket's `readyState` and changed only by the named
 * transitions below (`start`, `opened`, `requestClose`, `#endNow`, `#finish`). WeChat moves `readyState`
 * CONNECTING → OPEN → CLOSED and never shows CLOSING [lib], so the internal CLOSING phase reads as OPEN.
 */
import { isArrayBuffer, utf8Length } from './bytes.js';
import { completionFor, failLater, plainOptions, type CallResult } from './callbacks.js';
import type { ConnectRequest } from './connect-options.js';
import type { DeliveryGate } from './delivery-gate.js';
import * as ErrMsg from './errmsg.js';
import type { Settings } from './options.js';
import { CLOSED, CLOSING, CONNECTING, OPEN } from './ready-state.js';
import { hostTimers, type TimerHandle } from './host-timers.js';
import { MAX_TIMER_DELAY } from './option-keys.js';
import { invokeSafely, reportSafely, type ErrorReporter } from './report.js';
import { later } from './schedule.js';
import type {
  NetworkLink,
  SocketProfile,
  TransportConnection,
  TransportFailureKind,
  TransportHandlers,
} from './transport.js';
import type {
  OnOpenListenerResult,
  SocketTaskOnCloseListenerResult,
  SocketTaskOnErrorListenerResult,
  SocketTaskOnMessageListenerResult,
} from './types.js';

type Phase = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

type EventResults = {
  open: OnOpenListenerResult;
  message: SocketTaskOnMessageListenerResult;
  error: SocketTaskOnErrorListenerResult;
  close: SocketTaskOnCloseListenerResult;
};
export type SocketEvent = keyof EventResults;

/** The events, in the order of the listener methods (`onOpen`, `onMessage`, `onError`, `onClose`). */
export const EVENTS: readonly SocketEvent[] = ['open', 'message', 'error', 'close'];

/** `Open`, `Message`, … as the listener methods spell the event (`onOpen`, `wx.onSocketOpen`). */
export const capitalized = (event: SocketEvent): string => event[0]!.toUpperCase() + event.slice(1);

/** Listener names as WeChat's console would name them, for error reports: `SocketTask.onOpen listener`, … */
const WHERE = Object.fromEntries(EVENTS.map((event) => [event, `SocketTask.on${capitalized(event)} listener`]));

/** What the `wx` object that created a task learns from it (the global API and the connection count, §3, §6). */
export interface TaskOwner {
  readonly settings: Settings;
  /**
   * The global listener (`wx.onSocket*`) an event of this task goes to, if any (§3). Looked up as the event's
   * dispatch begins: a listener set during the dispatch waits for the next event, as the task's own do.
   */
  globalListener(task: TaskController, event: SocketEvent): Function | undefined;
  /** Calls that listener with the result the task's own listeners received. */
  callGlobal<E extends SocketEvent>(listener: Function, event: E, result: EventResults[E]): void;
  /** The task reached CLOSED and is about to deliver its terminal event: its slot is free. */
  released(task: TaskController): void;
  /** Holds terminal events and call results while the app is suspended (§8.1). */
  readonly gate: DeliveryGate;
  /** Whether the app is suspended: network calls then fail with the permission layer's text (§8.1). */
  readonly suspended: boolean;
  /**
   * The emulated phone's network (§8.3): no connection can be made while it is offline, and connections go through
   * its link (when there is one: only once the phone is controlled). None until something asked for it: until then
   * the phone is online and has no link.
   */
  readonly networkIfMade:
    { readonly isConnected: boolean; readonly transportLink: NetworkLink | undefined } | undefined;
}

/** Why the phone's network went away under a connection (§8.3). */
export type NetworkLoss = 'offline' | 'switch';

type Listener<E extends SocketEvent> = (result: EventResults[E]) => unknown;
/** An event's listeners: the first alone, an array from the second on (most tasks have one per event, if any). */
type Listeners = { [E in SocketEvent]?: Listener<E> | Listener<E>[] };

/** A close the caller asked for. */
interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

/**
 * `errCode` on android [ours, one rule]: 1004 when the socket never opened (handshake failure, domain check), 1006
 * when an open connection failed. The 1004 of handshake failures is what Android clients report in the wild.
 */
const NEVER_OPENED = 1004;
const FAILED_AFTER_OPEN = 1006;

/** What `onError` reports; `errCode` only reaches listeners on android. */
interface Failure {
  readonly errMsg: string;
  readonly errCode: number;
}

/** What `close()` without options, and every close WeChat starts itself, asks for. */
const NORMAL_CLOSURE: CloseRequest = { code: 1000, reason: '' };
/** The close frame a socket sends when the app is suspended, and what its `onClose` then reports (§8.1). */
const SUSPEND_FRAME: CloseRequest = { code: 1000, reason: ErrMsg.suspendCloseReason };
const INTERRUPTED: CloseRequest = { code: 1000, reason: ErrMsg.interrupted };

/**
 * How a task begins: CONNECTING with a request, or CLOSED from the start without touching the network, either
 * refused by the domain check (§5: it reports `onError` alone) or `closed` for any other reason (over the limit, §6).
 */
export type TaskStart = ConnectRequest | 'domain-rejected' | 'closed';

/**
 * One task's state machine. Internal: users hold a `SocketTask` (`socket-task.ts`) that points here; nothing here
 * points back.
 */
export class TaskController {
  readonly #owner: TaskOwner;
  #phase: Phase = CONNECTING;
  #listeners: Listeners | undefined;
  #link: Link | undefined;
  /** The handshake timeout (§1), while CONNECTING. */
  #timer: TimerHandle | undefined;
  #closeRequest: CloseRequest | undefined;
  /** A failure waiting for `#finish`, which reports it before `onClose` (§2 event order). */
  #failure: Failure | undefined;

  constructor(owner: TaskOwner, start: TaskStart) {
    this.#owner = owner;
    if (typeof start === 'object') {
      // After the current turn (§1), on a microtask: listeners attached right after the call are in place, a close in
      // the same turn means no network at all, and the attempt begins without waiting for another turn of the event
      // loop, as WeChat's native side begins it without waiting for the page's (docs/decisions.md, timing). Failures
      // found by the start itself still reach the listeners on a later macrotask (`#start`).
      void Promise.resolve().then(() => this.#start(start));
      return;
    }
    this.#phase = CLOSED;
    if (start === 'domain-rejected') {
      // `onError` alone (§5), on a later macrotask: listeners attached right after `connectSocket` see it [lib].
      later(() => this.#rejectDomain());
    }
  }

  #rejectDomain(): void {
    if (this.#owner.gate.hold(() => this.#rejectDomain())) return; // the app is suspended (§8.1)
    this.#emitError({ errMsg: this.settings.profile.domainRejected, errCode: NEVER_OPENED });
    this.#endListeners();
  }

  /**
   * The brand check: a genuine controller, not a look-alike or a proxy of one (private fields do not pass through a
   * proxy). Never throws.
   */
  static is(value: unknown): value is TaskController {
    return typeof value === 'object' && value !== null && #phase in value;
  }

  /**
   * Not a plain object to anyone who asks `Object.prototype.toString`: state libraries (Vue's `reactive()`) then
   * leave it unwrapped when they wrap the task that holds it.
   */
  get [Symbol.toStringTag](): string {
    return 'TaskController';
  }

  /** The settings of the `wx` object that made the task (read through it: tasks are many). */
  get settings(): Settings {
    return this.#owner.settings;
  }

  get readyState(): 0 | 1 | 3 {
    return this.#phase === CLOSING ? OPEN : this.#phase;
  }

  listen<E extends SocketEvent>(event: E, listener: unknown): void {
    if (typeof listener !== 'function') return; // a non-function is ignored [lib]
    // The first listener is held as it is, more in an array (tasks are many; most have one per event, if any). Adding
    // makes a new array, so a dispatch under way keeps the one it began with.
    const listeners: Record<string, Function | Function[]> = (this.#listeners ??= {});
    const held = listeners[event];
    listeners[event] = held ? [held, listener].flat() : listener;
  }

  send(option: unknown, notOpen: string, promiseWithoutCallbacks: boolean): Promise<CallResult> | void {
    const options = plainOptions(option);
    const completion = completionFor(
      ErrMsg.sendApi,
      options,
      this.settings.report,
      promiseWithoutCallbacks,
      this.#owner.gate,
    );
    if (!options)
      return failLater(completion, ErrMsg.fail(ErrMsg.sendApi, ErrMsg.parameterError('parameter', 'Object', option)));
    // State first, then data: the state check is the base library's, the data check the native layer's [lib]. OPEN
    // always has a connection (`Link` refuses an `onOpen` before the transport returned one).
    const connection = this.#link?.connection;
    if (this.#phase !== OPEN || !connection) return failLater(completion, notOpen);
    let data: unknown;
    try {
      data = (options as { data?: unknown }).data;
    } catch {
      // a throwing getter: no data to send
    }
    if (typeof data !== 'string' && !isArrayBuffer(data))
      return failLater(completion, ErrMsg.fail(ErrMsg.sendApi, ErrMsg.unknownData));
    try {
      if (!completion) return connection.send(data);
      connection.send(data, (error) => {
        completion.settle(
          { errMsg: error ? ErrMsg.fail(ErrMsg.sendApi, ErrMsg.notConnected) : ErrMsg.ok(ErrMsg.sendApi) },
          !error,
        );
      });
    } catch (error) {
      this.#threw(error);
      return failLater(completion, ErrMsg.fail(ErrMsg.sendApi, ErrMsg.notConnected));
    }
    return completion.promise;
  }

  /**
   * `close` [§2]. `accepted` runs once the close is under way (valid code and reason, the task not CLOSED): the
   * global API then closes the other sockets (§3).
   */
  close(option: unknown, promiseWithoutCallbacks: boolean, accepted?: () => void): Promise<CallResult> | void {
    const options = plainOptions(option);
    const completion = completionFor(
      ErrMsg.closeApi,
      options,
      this.settings.report,
      promiseWithoutCallbacks,
      this.#owner.gate,
    );
    // `close()` with no options closes with 1000; below 1.4.0 code and reason do not exist [doc]. While suspended the
    // native call (`operateSocketTask`) is refused before it can check the code (§8.1).
    const request =
      this.#phase === CLOSED
        ? ErrMsg.notConnected
        : this.#owner.suspended
          ? ErrMsg.suspended('operateSocketTask')
          : options && this.settings.features.closeCode
            ? readCloseRequest(options)
            : NORMAL_CLOSURE;
    if (typeof request === 'string') return failLater(completion, ErrMsg.fail(ErrMsg.closeApi, request));
    completion?.settleLater({ errMsg: ErrMsg.ok(ErrMsg.closeApi) }, true);
    this.requestClose(request);
    accepted?.();
    return completion?.promise;
  }

  /**
   * Starts the closing handshake, or abandons the handshake when still CONNECTING. Already closing: the first request
   * stands [ours].
   */
  requestClose(request: CloseRequest = NORMAL_CLOSURE): void {
    if (this.#phase === OPEN) {
      this.#closeRequest = request;
      this.#phase = CLOSING;
      try {
        this.#link?.connection?.close(request.code, request.reason);
      } catch (error) {
        this.#threw(error);
      }
    } else if (this.#phase === CONNECTING) {
      // The handshake is abandoned; `onClose` reports what the caller asked for, on a later turn (§0.1).
      this.#endNow(request);
    }
  }

  /**
   * Below 1.7.0 a new `connectSocket` ends this socket at once [doc: 1.x]: `onClose` (1000) follows on the next
   * turn, before the new socket starts connecting, without waiting for the server.
   */
  replace(): void {
    if (this.#phase !== CLOSED) this.#endNow(NORMAL_CLOSURE);
  }

  /**
   * The app is suspended (§8.1): the connection is closed from the client side now (a close frame 1000 if open, else
   * an abort), and `onClose` `{1000, "interrupted"}` comes once the app shows again (the gate holds it), without
   * `onError`, whatever close was under way. A task whose end was already decided (its connection let go, the
   * terminal event waiting to be delivered) keeps that end.
   */
  interrupt(): void {
    if (this.#phase === CLOSED || (!this.#link && (this.#closeRequest || this.#failure))) return;
    this.#closeRequest = INTERRUPTED;
    this.#unlink(SUSPEND_FRAME);
    // Held from now (the gate is closed): after show it comes before the results of calls made while suspended.
    const finish = (): void => this.#finish(INTERRUPTED.code, INTERRUPTED.reason);
    if (!this.#owner.gate.hold(finish)) later(finish);
  }

  /**
   * The phone's network went away under the connection (§8.3): it is dropped now (no close frame can be sent),
   * and `onError` then `onClose` 1006 follow on a later turn. Offline: `network is down`. A switch of network type:
   * `abnormal closure` after open, the transport-failure text of §2 during the handshake [ours]. A task not started
   * yet (created in this turn) is CONNECTING, so it fails offline too; on a switch it starts on the new network. A
   * task already ended is left alone.
   */
  loseNetwork(loss: NetworkLoss): void {
    if (!this.#link) {
      if (loss === 'offline' && this.#phase === CONNECTING && !this.#closeRequest && !this.#failure)
        this.#failSoon(ErrMsg.networkDown, NEVER_OPENED);
      return;
    }
    const opened = this.#phase !== CONNECTING;
    const errMsg =
      loss === 'offline' ? ErrMsg.networkDown : opened ? ErrMsg.abnormalClosure : this.#openFailureText('transport');
    this.#failSoon(errMsg, opened ? FAILED_AFTER_OPEN : NEVER_OPENED);
  }

  /**
   * Fails the connection now (it is let go at once) and delivers `onError`, then `onClose` 1006, on a later turn:
   * what caused it (a call of the caller's, a notification, the start's microtask) has not returned yet (§0.1), and
   * `onError` comes on a later macrotask [lib].
   */
  #failSoon(errMsg: string, errCode: number): void {
    this.#failure = { errMsg, errCode };
    this.#unlink();
    later(() => this.#finish(1006, ErrMsg.abnormalClosure));
  }

  /** Ends the task without waiting for the network: a close frame if open, else an abort; `onClose` next turn. */
  #endNow(request: CloseRequest): void {
    const { code, reason } = (this.#closeRequest ??= request);
    this.#unlink(request);
    later(() => this.#finish(code, reason));
  }

  /** Opens the connection. The request goes to the transport as read, its `timeout` (the core's own) included. */
  #start(request: ConnectRequest): void {
    // Closed or failed before the attempt began (close, or the network lost, in the same turn): no network at all.
    if (this.#phase !== CONNECTING || this.#closeRequest || this.#failure) return;
    // Offline (§8.3): the attempt fails in the transport, as a name that does not resolve would (§9.2: code 1).
    const network = this.#owner.networkIfMade;
    if (network?.isConnected === false) return this.#failSoon(this.#openFailureText('dns'), NEVER_OPENED);
    const { settings } = this;
    // The per-call timeout wins over app.json's (§1), capped to what `setTimeout` honours (a larger delay fires at
    // once). A real timer: WeChat times the handshake natively, not on the page's clock (docs/decisions.md).
    const delay = Math.min(request.timeout ?? settings.defaultTimeout, MAX_TIMER_DELAY);
    this.#timer = hostTimers.setTimeout(() => this.#failOpen('timeout'), delay);
    const link = (this.#link = new Link(this, settings.report));
    const networkLink = network?.transportLink;
    let connection: TransportConnection;
    try {
      connection = settings.transport(networkLink ? { ...request, link: networkLink } : request, link);
    } catch (error) {
      // A transport that throws (e.g. for `ws://` with no host, which passes WeChat's URL pattern) failed to connect:
      // code:2, and its error goes to the reporter, the one place that says why.
      reportSafely(settings.report, error, 'transport');
      if (link.task) this.#failSoon(this.#openFailureText('transport'), NEVER_OPENED);
      return;
    }
    link.returned(connection);
    // The task let go while the transport was opening (a reporter that closed it): nobody listens to this connection.
    if (!link.task) this.#letGo(connection);
  }

  opened(header: Record<string, string>, profile: SocketProfile): void {
    if (this.#phase !== CONNECTING) return;
    hostTimers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#phase = OPEN;
    const { features } = this.settings;
    const result = { header: features.openHeader ? header : {} } as OnOpenListenerResult;
    if (features.openProfile) result.profile = profile;
    this.#emit('open', result);
  }

  received(data: string | ArrayBuffer): void {
    if (this.#phase === OPEN || this.#phase === CLOSING) this.#emit('message', { data });
  }

  /** A transport failure ends the connection: `onError`, then `onClose` 1006 (§2 event order). */
  failed(kind: TransportFailureKind, cause: Error): void {
    if (this.#phase === CONNECTING) {
      this.#failOpen(kind === 'protocol' ? 'transport' : kind);
    } else if (this.#phase === OPEN || (this.#phase === CLOSING && kind === 'protocol')) {
      this.#fail(cause.message || ErrMsg.abnormalClosure);
    }
    // CLOSING, and the connection ended without the server's close frame (a reset): the close we asked for is
    // still what ends the task [ours: as a browser's clean close, no error], reported by `closed`.
  }

  closed(code: number, reason: string, streamEnded?: boolean): void {
    if (this.#phase === CONNECTING) return this.#failOpen('transport'); // closed during the handshake
    this.#link = undefined;
    const streamEndClose = this.settings.profile.streamEndClose;
    // §9.3: on ios the server's FIN without a close frame is a close of its own, not an abnormal one.
    if (streamEnded === true && code === 1006 && streamEndClose) ({ code, reason } = streamEndClose);
    this.#finish(code, reason);
  }

  /** A failed handshake: `onError` with the text of `#openFailureText`, then `onClose` 1006. */
  #failOpen(failure: ErrMsg.OpenFailure | TransportFailureKind): void {
    this.#fail(this.#openFailureText(failure));
  }

  /** The text of a failed handshake, by kind, profile and base library version (§2, §9.2). */
  #openFailureText(failure: ErrMsg.OpenFailure | TransportFailureKind): string {
    const { profile, features } = this.settings;
    return ErrMsg.openFailure(failure, profile.bindingOpenErrors && features.bindingOpenErrors);
  }

  #fail(errMsg: string): void {
    this.#failure = { errMsg, errCode: this.#phase === CONNECTING ? NEVER_OPENED : FAILED_AFTER_OPEN };
    this.#unlink();
    this.#finish(1006, ErrMsg.abnormalClosure);
  }

  /**
   * Lets go of the connection and stops listening to it (a close frame when open and one is asked for, else an
   * abort), and of the handshake timeout. An OPEN task is CLOSING from now: only its terminal events are left.
   */
  #unlink(farewell?: CloseRequest): void {
    hostTimers.clearTimeout(this.#timer);
    const link = this.#link;
    if (link) {
      this.#link = undefined;
      link.task = undefined;
      if (link.connection) this.#letGo(link.connection, this.#phase === OPEN ? farewell : undefined);
    }
    if (this.#phase === OPEN) this.#phase = CLOSING;
  }

  /** Closes (with a farewell) or aborts a connection the task no longer listens to. */
  #letGo(connection: TransportConnection, farewell?: CloseRequest): void {
    try {
      if (farewell) connection.close(farewell.code, farewell.reason);
      else connection.abort();
    } catch (error) {
      // Let go all the same: the task is ending. The transport's error goes to the reporter.
      reportSafely(this.settings.report, error, 'transport');
    }
  }

  /**
   * A transport method threw while the task was open (`send`, or `close` starting the closing handshake): the error
   * goes to the reporter, and the connection counts as failed (§2: `onError`, then `onClose` 1006).
   */
  #threw(error: unknown): void {
    reportSafely(this.settings.report, error, 'transport');
    this.#failSoon(ErrMsg.abnormalClosure, FAILED_AFTER_OPEN);
  }

  /** The one way to CLOSED: releases the slot, then delivers `onError` (if any) and `onClose`, each once. */
  #finish(code: number, reason: string): void {
    if (this.#phase === CLOSED) return;
    // The app is suspended: the task ends (and frees its slot) when the app shows again (§8.1).
    if (this.#owner.gate.hold(() => this.#finish(code, reason))) return;
    hostTimers.clearTimeout(this.#timer);
    this.#phase = CLOSED;
    this.#owner.released(this);
    if (this.#failure) {
      this.#emitError(this.#failure);
    } else if (this.#closeRequest) {
      // When we closed first, the code and reason we asked for [ours, §2].
      ({ code, reason } = this.#closeRequest);
    } else if (code === 1006 && reason === '') {
      reason = ErrMsg.abnormalClosure;
    }
    this.#emit('close', { code, reason });
    this.#endListeners();
  }

  #emitError({ errMsg, errCode }: Failure): void {
    this.#emit('error', this.settings.profile.errorHasErrCode ? { errMsg, errCode } : { errMsg });
  }

  #endListeners(): void {
    if (this.settings.profile.dropsListenersAfterClose) this.#listeners = undefined; // [lib, ios]
  }

  #emit<E extends SocketEvent>(event: E, result: EventResults[E]): void {
    const held: Function | Function[] | undefined = this.#listeners?.[event];
    // Listeners added during dispatch, the task's and global ones, wait for the next event, as with EventTarget.
    const global = this.#owner.globalListener(this, event);
    if (typeof held === 'function') invokeSafely(held, result, this.settings.report, WHERE[event]!);
    else if (held) for (const listener of held) invokeSafely(listener, result, this.settings.report, WHERE[event]!);
    if (global) this.#owner.callGlobal(global, event, result);
  }
}

/** What a transport has reported on a connection so far, in the order the boundary allows (transport.ts). */
const enum Stage {
  /** The factory has not returned yet. */
  Calling,
  Returned,
  Opened,
  Errored,
  Ended,
}

/** When a handler call came, by stage, for the report of a call out of order. */
const OUT_OF_ORDER = [
  'before the transport returned its connection',
  'before onOpen',
  'after onOpen',
  'after onError',
  'after onClose',
];

/** The stages in which each handler may be called, as bits (`1 << Stage`). */
const enum InOrder {
  onOpen = 1 << Stage.Returned,
  // Between `onError` and `onClose` a message is in order, and the task (already failed) ignores it.
  onMessage = (1 << Stage.Opened) | (1 << Stage.Errored),
  // A second `onError` is let through (and ignored: the task has failed): `ws` reports some failures twice.
  onError = (1 << Stage.Returned) | (1 << Stage.Opened) | (1 << Stage.Errored),
  onClose = (1 << Stage.Returned) | (1 << Stage.Opened) | (1 << Stage.Errored),
}

/**
 * A task's tie to its transport connection: the transport's handlers, forwarding to the task's transitions until
 * the task lets go (`task` cleared), after which the connection's late events are ignored. It also holds the
 * transport to the boundary's order (transport.ts): a call out of order (before the factory returned, a second
 * `onOpen`, anything after `onClose`, …) is a transport bug; it is reported and ignored, whether or not the task
 * still listens.
 */
class Link implements TransportHandlers {
  task: TaskController | undefined;
  connection: TransportConnection | undefined;
  readonly #report: ErrorReporter;
  #stage = Stage.Calling;

  constructor(task: TaskController, report: ErrorReporter) {
    this.task = task;
    this.#report = report;
  }

  returned(connection: TransportConnection): void {
    this.connection = connection;
    this.#stage = Stage.Returned;
  }

  onOpen(header: Record<string, string>, profile: SocketProfile): void {
    if (this.#step('onOpen', InOrder.onOpen, Stage.Opened)) this.task?.opened(header, profile);
  }

  onMessage(data: string | ArrayBuffer): void {
    if (this.#step('onMessage', InOrder.onMessage)) this.task?.received(data);
  }

  onError(kind: TransportFailureKind, cause: Error): void {
    if (this.#step('onError', InOrder.onError, Stage.Errored)) this.task?.failed(kind, cause);
  }

  onClose(code: number, reason: string, streamEnded?: boolean): void {
    if (this.#step('onClose', InOrder.onClose, Stage.Ended)) this.task?.closed(code, reason, streamEnded);
  }

  /** Moves to `next` when `handler` is called in order; else reports the call as the transport's bug. */
  #step(handler: string, inOrder: InOrder, next = this.#stage): boolean {
    const stage = this.#stage;
    if ((inOrder >> stage) & 1) {
      this.#stage = next;
      return true;
    }
    reportSafely(this.#report, new Error(`transport bug: ${handler} called ${OUT_OF_ORDER[stage]}`), 'transport');
    return false;
  }
}

/** `code` and `reason` of a close [lib/ours, §2]. */
function readCloseRequest(option: object): CloseRequest | string {
  let code: unknown;
  let reason: unknown;
  try {
    ({ code, reason } = option as { code?: unknown; reason?: unknown });
  } catch {
    code = reason = undefined; // a throwing getter counts as no code and no reason
  }
  if (typeof code !== 'number') code = 1000; // a non-number becomes 1000 [lib]
  if (code !== 1000 && !(Number.isInteger(code) && (code as number) >= 3000 && (code as number) <= 4999)) {
    return ErrMsg.invalidCloseCode;
  }
  const text = typeof reason === 'string' ? reason : ''; // a non-string reason counts as none [ours]
  // Each UTF-16 unit is 1 to 3 bytes: up to 41 units always fit, over 123 never do, and nothing huge is walked.
  if (text.length > 41 && (text.length > 123 || utf8Length(text) > 123)) return ErrMsg.reasonTooLong;
  return { code: code as number, reason: text };
}
