/**
 * The `wx` object: `wx.connectSocket` and the global socket API (contract §1, §3–§6), plus the app-lifecycle and
 * network APIs of the field conditions (§8, in their own files). Each object is one isolated "mini program" with its
 * own current socket, global listeners and connection count, on its own emulated phone.
 */
import { AppLifecycle } from './app-lifecycle.js';
import { completionFor, failLater, plainOptions, type CallResult } from './callbacks.js';
import { readConnectOptions } from './connect-options.js';
import { DeliveryGate } from './delivery-gate.js';
import { isUrlAllowed } from './domain-policy.js';
import * as ErrMsg from './errmsg.js';
import { WxOptionsError } from './errors.js';
import type { FieldProgram } from './field-program.js';
import { NetworkStatus } from './network-status.js';
import { resolveOptions, type HandshakeOptions, type Settings, type WxOptions } from './options.js';
import { Phone, registerPhone } from './phone.js';
import { CLOSED, OPEN } from './ready-state.js';
import { invokeSafely, reportSafely } from './report.js';
import { newTask, type SocketTask } from './socket-task.js';
import { EVENTS, TaskController, capitalized, type SocketEvent, type TaskOwner } from './task-controller.js';
import type { Transport } from './transport.js';
import type { ConnectSocketOption, OnSocketOpenListenerResult, PromisifySuccessResult, Wx } from './types.js';
import { describe, isPlainObject } from './values.js';
import { canIUse } from './versions.js';

/** Listener names as WeChat's console would name them, for error reports: `wx.onSocketOpen listener`, … */
const GLOBAL_WHERE = Object.fromEntries(EVENTS.map((event) => [event, `wx.onSocket${capitalized(event)} listener`]));

/**
 * One emulated mini program's sockets. It is its own delivery gate (§8.1: what its JS thread receives while the app
 * is suspended is held), which spares an object per `wx`.
 */
class MiniProgram extends DeliveryGate implements TaskOwner, FieldProgram {
  readonly settings: Settings;
  /**
   * The app lifecycle, the network status and the phone that controls them (§8), each made at first use: a program
   * nobody listens to or controls is in the foreground on a network nobody changes, and most never learn of it.
   */
  #lifecycle: AppLifecycle | undefined;
  #network: NetworkStatus | undefined;
  #phone: Phone | undefined;
  /**
   * Tasks not yet CLOSED, in the order they were made: the connection count (§6) and the sockets `wx.closeSocket`
   * closes (§3). The one task most programs have is held as it is (a collection costs an idle program memory);
   * several are a set, kept from then on, to which a task is added and from which it is removed in constant time: a
   * storm of a thousand connections in one program copied an array of hundreds of tasks at every connect and close.
   */
  #live: TaskController | Set<TaskController> | undefined;
  /**
   * The socket the global API acts on (§3); none before the first `connectSocket`. WeChat answers the global API the
   * same way with no socket as with a closed one.
   */
  #current: TaskController | undefined;
  /**
   * Below 1.7.0: sockets replaced by a newer `connectSocket`, whose close still reaches `onSocketClose` (§4). Made
   * at the first replacement, as the global listeners are at the first `wx.onSocket*`: many programs have neither.
   */
  #replaced: Set<TaskController> | undefined;
  #globalListeners: { [E in SocketEvent]?: Function } | undefined;
  #nextTaskId = 1;

  constructor(settings: Settings) {
    super();
    this.settings = settings;
  }

  get gate(): DeliveryGate {
    return this;
  }

  get lifecycle(): AppLifecycle {
    return (this.#lifecycle ??= new AppLifecycle(this));
  }

  get network(): NetworkStatus {
    return (this.#network ??= new NetworkStatus(this));
  }

  /** What a task starting reads of the network (`TaskOwner`): nothing is made for it. */
  get networkIfMade(): NetworkStatus | undefined {
    return this.#network;
  }

  /** The control of the phone, for `phoneOf` (phone.ts). */
  get phone(): Phone {
    return (this.#phone ??= new Phone(this.lifecycle, this.network, this.settings.field));
  }

  get suspended(): boolean {
    return this.#lifecycle?.state === 'suspended';
  }

  connectSocket(options: unknown): SocketTask | undefined {
    const { features, profile, domainPolicy, maxConnections, report } = this.settings;
    const legacy = !features.socketTask;
    // Failures 1–3 of §1 return `undefined`, no task. Failure 1: an array or a function may still carry callbacks;
    // a primitive has none to call.
    const completion = completionFor(
      ErrMsg.connectApi,
      Object(options) === options ? (options as object) : undefined,
      report,
      false,
      this.gate,
    );
    const request = isPlainObject(options)
      ? readConnectOptions(options, this.settings)
      : ErrMsg.parameterError('parameter', 'Object', options);
    if (typeof request === 'string') return void failLater(completion, ErrMsg.fail(ErrMsg.connectApi, request));

    // Below 1.7.0 a new connection replaces the current one (§4), so that one does not count against the limit.
    const current = this.#current;
    const replacing = legacy && current !== undefined && current.readyState !== CLOSED;
    // §8.1: no network call while suspended; the permission layer refuses the native call (after the base
    // library's own checks: the limit). The fail, like everything, waits for the app to show again.
    const refusal =
      (this.#live instanceof Set ? this.#live.size : this.#live ? 1 : 0) - (replacing ? 1 : 0) >= maxConnections
        ? ErrMsg.tooManySockets(maxConnections)
        : this.suspended
          ? ErrMsg.suspended('createSocketTask')
          : undefined;
    if (refusal) {
      void failLater(completion, ErrMsg.fail(ErrMsg.connectApi, refusal));
      return legacy ? undefined : newTask(new TaskController(this, 'closed'));
    }
    if (replacing) {
      (this.#replaced ??= new Set()).add(current);
      this.released(current); // it ends now (§4); its slot is the new socket's
      current.replace();
    }

    // §5: a URL the domain check refuses opens no network connection at all.
    const allowed = !domainPolicy || isUrlAllowed(request.url, domainPolicy);
    const task = new TaskController(this, allowed ? request : 'domain-rejected');
    if (allowed) {
      const live = this.#live; // without the task replaced above
      this.#live = live instanceof Set ? live.add(task) : live ? new Set([live, task]) : task;
    }
    // §3: a new task becomes current only when the current one is CLOSED (or is being replaced, §4).
    if (replacing || current === undefined || current.readyState === CLOSED) this.#current = task;

    const result: CallResult = { errMsg: ErrMsg.ok(ErrMsg.connectApi) };
    if (profile.successHasTaskId && !legacy) result['socketTaskId'] = this.#nextTaskId++; // no tasks before 1.7.0
    completion?.settleLater(result, true);
    return legacy ? undefined : newTask(task);
  }

  sendSocketMessage(options: unknown): Promise<CallResult> | void {
    // With no socket yet, one CLOSED from the start answers, as any closed socket does.
    return (this.#current ??= new TaskController(this, 'closed')).send(
      options,
      ErrMsg.fail(ErrMsg.sendApi, ErrMsg.notConnected),
      this.settings.features.promise,
    );
  }

  closeSocket(options: unknown): Promise<CallResult> | void {
    const current = this.#current;
    const withPromise = this.settings.features.promise;
    // The 1.x docs' caveat (§3): a socket still CONNECTING cannot be closed through the global API [doc]; it opens.
    if (current?.readyState !== OPEN) {
      const completion = completionFor(
        ErrMsg.closeApi,
        plainOptions(options),
        this.settings.report,
        withPromise,
        this.gate,
      );
      return failLater(completion, ErrMsg.fail(ErrMsg.closeApi, ErrMsg.notConnected));
    }
    // [lib 2.30.3] wx.closeSocket also closes every other socket this mini program opened, with 1000.
    return current.close(options, withPromise, () => {
      for (const task of this.liveTasks()) if (task !== current) task.requestClose();
    });
  }

  listen(event: SocketEvent, listener: unknown): void {
    // One listener per event: a later call replaces the earlier; a non-function is ignored [lib].
    if (typeof listener === 'function') (this.#globalListeners ??= {})[event] = listener;
  }

  globalListener(task: TaskController, event: SocketEvent): Function | undefined {
    const listener = this.#globalListeners?.[event];
    // A replaced task is routed up to its last event, `close` (§4); the set is looked in only when someone listens.
    const replaced = event === 'close' ? this.#replaced?.delete(task) : listener && this.#replaced?.has(task);
    // Whether the task is current is decided now too: an `onClose` listener that connects anew makes the new task
    // current during this dispatch.
    return task === this.#current || replaced ? listener : undefined;
  }

  callGlobal(listener: Function, event: SocketEvent, result: object): void {
    // `wx.onSocketOpen` gets `{header}` only, and `{}` before 2.0.0 [doc/lib].
    const payload: object =
      event === 'open'
        ? this.settings.features.openHeader
          ? ({ header: (result as OnSocketOpenListenerResult).header } satisfies OnSocketOpenListenerResult)
          : {}
        : result;
    invokeSafely(listener, payload, this.settings.report, GLOBAL_WHERE[event]!);
  }

  released(task: TaskController): void {
    const live = this.#live;
    if (live === task) this.#live = undefined;
    else if (live instanceof Set) live.delete(task);
  }

  liveTasks(): readonly TaskController[] {
    const live = this.#live;
    return live instanceof Set ? [...live] : live ? [live] : [];
  }
}

/** `instanceof` itself throws when an option's getter threw a revoked proxy (or a proxy with a throwing trap). */
function isOptionsError(error: unknown): error is WxOptionsError {
  try {
    return error instanceof WxOptionsError;
  } catch {
    return false;
  }
}

type Method = (program: MiniProgram, argument: unknown) => unknown;

/** What each `wx` method does, in the order of `Object.keys(wx)`. */
const WX_METHODS: Record<string, Method> = {
  connectSocket: (program, option) => program.connectSocket(option),
  ...Object.fromEntries(
    EVENTS.map((event) => [
      `onSocket${capitalized(event)}`,
      (program: MiniProgram, listener: unknown) => program.listen(event, listener),
    ]),
  ),
  sendSocketMessage: (program, option) => program.sendSocketMessage(option),
  closeSocket: (program, option) => program.closeSocket(option),
  canIUse: (program, schema) => canIUse(schema, program.settings.features),
  // The field conditions' (§8).
  ...AppLifecycle.api,
  ...NetworkStatus.api,
};
/**
 * Each method as a function of its program (`this`), shared by every `wx` object, which binds it: a bound function
 * per method and `wx` object is all each one costs. A method, so that `new wx.connectSocket()` is refused as with any
 * of WeChat's.
 */
const UNBOUND = Object.fromEntries(
  Object.entries(WX_METHODS).map(([name, method]) => [
    name,
    {
      method(this: MiniProgram, argument?: unknown): unknown {
        // Backstop for §0.5: a `wx.*` method never throws, whatever happens inside.
        try {
          return method(this, argument);
        } catch (error) {
          reportSafely(this.settings.report, error, `wx.${name}`);
          return undefined;
        }
      },
    }.method,
  ]),
);

/** The browser entry's: has the page drive the phone (§8.4). */
type FollowPage = (program: MiniProgram) => void;

/**
 * Creates a `wx` object with the given default transport: the browser entry's `createWx`, which also has the page
 * drive the phone (`followPage`, §8.4). The Node entry's is `createWxOn` with settings from node-program.ts.
 */
export function createWxWith(options: WxOptions | undefined, defaultTransport: Transport, followPage?: FollowPage): Wx {
  return newWx(new MiniProgram(settingsWith(options, defaultTransport)), followPage);
}

/** @internal Not in the package's exports: a `wx` object on settings already resolved (`settingsWith`). */
export function createWxOn(settings: Settings): Wx {
  return newWx(new MiniProgram(settings));
}

/**
 * The settings of a `wx` object, from `createWx`'s options and the entry's default transport (and, on Node, what its
 * transport sends in the handshake: headers, extra trust). Read-only: the Artillery engine's virtual users share
 * them, each with a program of its own (`createProgram`).
 */
export function settingsWith(
  options: WxOptions | undefined,
  defaultTransport: Transport,
  handshake?: HandshakeOptions,
): Settings {
  try {
    return resolveOptions(options, defaultTransport, handshake);
  } catch (error) {
    if (isOptionsError(error)) throw error;
    // A throwing getter or proxy trap in the options: still one clear, typed error.
    throw new WxOptionsError('(options)', `options could not be read: ${describe(error)}`, error);
  }
}

/**
 * @internal The mini program `createWxWith` makes, without its `wx` object: for the Artillery engine's virtual users,
 * which most scenarios never hand to user code (17 bound methods and their object, about 1 KB each). Connect with
 * `connectSocketOf`, the same method as `wx.connectSocket`; get the `wx` with `wxOf`.
 */
export function createProgram(settings: Settings): MiniProgram {
  return new MiniProgram(settings);
}

/** @internal `wx.connectSocket` of the program's `wx`, without making the `wx`: the very same method. */
export function connectSocketOf(program: MiniProgram, option: ConnectSocketOption): SocketTask | undefined {
  return UNBOUND['connectSocket']!.call(program, option) as SocketTask | undefined;
}

/** The `wx` objects `wxOf` made, one per program. */
const made = new WeakMap<MiniProgram, Wx>();

/** @internal The program's `wx` object, made at the first call; the same one after that. */
export function wxOf(program: MiniProgram): Wx {
  let wx = made.get(program);
  if (wx === undefined) made.set(program, (wx = newWx(program)));
  return wx;
}

/** A new `wx` object on the program, with its phone (§8). */
function newWx(program: MiniProgram, followPage?: FollowPage): Wx {
  const { features } = program.settings;
  // Plain functions, not methods: WeChat's work unbound (`const close = wx.closeSocket; close()`) [lib].
  const wx: Record<string, (argument?: unknown) => unknown> = {};
  // Those of the field conditions exist from their base library version on, as on a phone (§8): when `canIUse` says
  // so, asked as if it existed (it always does here, §4 [ours]).
  const known = { ...features, canIUse: true };
  for (const [name, method] of Object.entries(UNBOUND)) if (canIUse(name, known)) wx[name] = method.bind(program);
  followPage?.(program);
  registerPhone(wx as unknown as Wx, program);
  return wx as unknown as Wx;
}

export type { MiniProgram as WxProgram };
export type { PromisifySuccessResult };
