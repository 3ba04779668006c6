/**
 * The `wx` object: `wx.connectSocket` and the global socket API (contract §1, §3–§6). Each object is one isolated
 * "mini program" with its own current socket, global listeners and connection count.
 */
import { completionFor, failLater, type CallResult } from './callbacks.js';
import { readConnectOptions } from './connect-options.js';
import { isUrlAllowed } from './domain-policy.js';
import { WxOptionsError } from './errors.js';
import { Api, Messages, describe, fail, ok, parameterError, typeName } from './messages.js';
import { resolveOptions, type Settings, type WxOptions } from './options.js';
import { invokeSafely, reportSafely } from './report.js';
import { ReadyState, type SocketTask } from './socket-task.js';
import { TaskController, createStillbornTask, createTask, type SocketEvent, type TaskOwner } from './task-controller.js';
import type { Transport } from './transport.js';
import { canIUse } from './versions.js';
import type {
  CloseSocketOption,
  ConnectSocketOption,
  OnSocketOpenListenerResult,
  PromisifySuccessResult,
  SendSocketMessageOption,
  Wx,
} from './types.js';

const GLOBAL_WHERE = {
  open: 'wx.onSocketOpen listener',
  message: 'wx.onSocketMessage listener',
  error: 'wx.onSocketError listener',
  close: 'wx.onSocketClose listener',
} as const;

/** One emulated mini program's sockets. */
class MiniProgram implements TaskOwner {
  readonly settings: Settings;
  /** Tasks not yet CLOSED: the connection count (§6) and the sockets `wx.closeSocket` closes (§3). */
  readonly #live = new Set<TaskController>();
  /** The socket the global API acts on (§3). */
  #current: TaskController | undefined;
  /** Below 1.7.0: sockets replaced by a newer `connectSocket`, whose close still reaches `onSocketClose` (§4). */
  readonly #replaced = new Set<TaskController>();
  readonly #globalListeners: { [E in SocketEvent]?: Function } = {};
  #nextTaskId = 1;

  constructor(settings: Settings) {
    this.settings = settings;
  }

  connectSocket(options: unknown): SocketTask | undefined {
    const { features, profile, domainPolicy, maxConnections, report } = this.settings;
    const legacy = !features.socketTask;
    // Failures 1–3 of §1 return `undefined`, no task. Failure 1: an array or a function may still carry callbacks;
    // a primitive has none to call.
    if (typeName(options) !== 'Object') {
      const holder = (typeof options === 'object' && options !== null) || typeof options === 'function' ? options : undefined;
      return void failLater(completionFor(Api.connect, holder, report, false), fail(Api.connect, parameterError('parameter', 'Object', options)));
    }
    const completion = completionFor(Api.connect, options as object, report, false);
    const request = readConnectOptions(options as object, features, this.settings.client);
    if (typeof request === 'string') return void failLater(completion, fail(Api.connect, request));

    // Below 1.7.0 a new connection replaces the current one (§4), so that one does not count against the limit.
    const replacing = legacy && this.#current?.readyState !== ReadyState.CLOSED ? this.#current : undefined;
    if (this.#live.size - (replacing ? 1 : 0) >= maxConnections) {
      failLater(completion, fail(Api.connect, Messages.tooManySockets(maxConnections)));
      return legacy ? undefined : createStillbornTask(this, 'over-limit').task;
    }
    if (replacing) {
      this.#replaced.add(replacing);
      this.#live.delete(replacing); // it ends now (§4); its slot is the new socket's
      replacing.replace();
    }

    let task: TaskController;
    if (domainPolicy && !isUrlAllowed(request.url, domainPolicy)) {
      task = createStillbornTask(this, 'domain-rejected'); // §5: no network at all
    } else {
      task = createTask(this, request);
      this.#live.add(task);
    }
    // §3: a new task becomes current only when there is none or the current one is CLOSED.
    if (replacing || !this.#current || this.#current.readyState === ReadyState.CLOSED) this.#current = task;

    const result: CallResult = { errMsg: ok(Api.connect) };
    if (profile.successHasTaskId && !legacy) result['socketTaskId'] = this.#nextTaskId++; // no tasks before 1.7.0
    completion?.settleLater(result, true);
    return legacy ? undefined : task.task;
  }

  sendSocketMessage(options: unknown): Promise<CallResult> | void {
    const current = this.#current;
    const notConnected = fail(Api.send, Messages.notConnected);
    const withPromise = this.settings.features.promise;
    if (current) return current.send(options, notConnected, withPromise);
    const isObject = typeName(options) === 'Object';
    const completion = completionFor(Api.send, isObject ? (options as object) : undefined, this.settings.report, withPromise);
    return failLater(completion, isObject ? notConnected : fail(Api.send, parameterError('parameter', 'Object', options)));
  }

  closeSocket(options: unknown): Promise<CallResult> | void {
    const current = this.#current;
    const withPromise = this.settings.features.promise;
    // The seed's caveat: a socket still CONNECTING cannot be closed through the global API [doc]; it still opens.
    if (!current || current.readyState !== ReadyState.OPEN) {
      const isObject = typeName(options) === 'Object';
      const completion = completionFor(Api.close, isObject ? (options as object) : undefined, this.settings.report, withPromise);
      return failLater(completion, fail(Api.close, Messages.notConnected));
    }
    const { returned, accepted } = current.close(options, withPromise);
    // [lib 2.30.3] wx.closeSocket also closes every other socket this mini program opened, with 1000.
    if (accepted) for (const task of this.#live) if (task !== current) task.requestClose({ code: 1000, reason: '' });
    return returned;
  }

  listen(event: SocketEvent, listener: unknown): void {
    // One listener per event: a later call replaces the earlier; a non-function is ignored [lib].
    if (typeof listener === 'function') this.#globalListeners[event] = listener;
  }

  dispatched(task: TaskController, event: SocketEvent, result: object): void {
    const routed = task === this.#current || this.#replaced.has(task);
    if (event === 'close') this.#replaced.delete(task); // its last event
    const listener = this.#globalListeners[event];
    if (!routed || !listener) return;
    // `wx.onSocketOpen` gets `{header}` only, and `{}` before 2.0.0 [doc/lib].
    const payload: object =
      event === 'open'
        ? this.settings.features.openHeader
          ? ({ header: (result as OnSocketOpenListenerResult).header } satisfies OnSocketOpenListenerResult)
          : {}
        : result;
    invokeSafely(listener, payload, this.settings.report, GLOBAL_WHERE[event]);
  }

  released(task: TaskController): void {
    this.#live.delete(task);
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

/**
 * Creates a `wx` object with the given default transport. The entry points (`wxsocket` on Node, in browsers) call
 * this with theirs.
 */
export function createWxWith(options: WxOptions | undefined, defaultTransport: Transport): Wx {
  let settings: Settings;
  try {
    settings = resolveOptions(options, defaultTransport);
  } catch (error) {
    if (isOptionsError(error)) throw error;
    // A throwing getter or proxy trap in the options: still one clear, typed error.
    throw new WxOptionsError('(options)', `options could not be read: ${describe(error)}`, error);
  }
  const program = new MiniProgram(settings);
  const { report } = settings;

  /** Backstop for §0.5: a `wx.*` method never throws, whatever happens inside. */
  const guard = <A extends unknown[], R>(name: string, method: (...args: A) => R) =>
    (...args: A): R | undefined => {
      try {
        return method(...args);
      } catch (error) {
        reportSafely(report, error, `wx.${name}`);
        return undefined;
      }
    };

  // Plain functions, not methods: WeChat's work unbound (`const close = wx.closeSocket; close()`) [lib].
  const wx = {
    connectSocket: guard('connectSocket', (option: ConnectSocketOption) => program.connectSocket(option)),
    onSocketOpen: guard('onSocketOpen', (listener: unknown) => program.listen('open', listener)),
    onSocketMessage: guard('onSocketMessage', (listener: unknown) => program.listen('message', listener)),
    onSocketError: guard('onSocketError', (listener: unknown) => program.listen('error', listener)),
    onSocketClose: guard('onSocketClose', (listener: unknown) => program.listen('close', listener)),
    sendSocketMessage: guard('sendSocketMessage', (option: SendSocketMessageOption) => program.sendSocketMessage(option)),
    closeSocket: guard('closeSocket', (option?: CloseSocketOption) => program.closeSocket(option)),
    canIUse: guard('canIUse', (schema: string) => canIUse(schema, settings.features)),
  };
  return wx as unknown as Wx;
}

export type { PromisifySuccessResult };
