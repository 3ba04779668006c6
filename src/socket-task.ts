/**
 * `SocketTask`: what users hold of one WebSocket connection (contract §2). A thin, public face: every rule lives in
 * the task's controller (`task-controller.ts`), which also answers for the global API.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/SocketTask.html
 */
import { completionFor, failLater, plainOptions, type CallResult } from './callbacks.js';
import * as ErrMsg from './errmsg.js';
import { CLOSED, CLOSING, CONNECTING, OPEN, ReadyState } from './ready-state.js';
import type { ErrorReporter } from './report.js';
import { TaskController } from './task-controller.js';
import type {
  OnOpenListenerResult,
  SocketTaskCloseOption,
  SocketTaskOnCloseListenerResult,
  SocketTaskOnErrorListenerResult,
  SocketTaskOnMessageListenerResult,
  SocketTaskSendOption,
} from './types.js';

/**
 * Where a task keeps its controller: a symbol-keyed property, not a private field, so that a proxy of a task (what
 * Vue's `reactive()` makes of anything stored in state) and an object inheriting from a task work like the task
 * itself. Module-private: nothing outside can name it.
 */
const kController = Symbol('wxsocket.controller');

/**
 * The controller behind `this`: `this` may be anything when a method is called unbound, so never throw (§0.5), and
 * accept only a genuine controller.
 */
function controllerOf(receiver: unknown): TaskController | undefined {
  try {
    const controller = (receiver as { [kController]?: unknown } | null | undefined)?.[kController];
    return TaskController.is(controller) ? controller : undefined;
  } catch {
    return undefined; // a revoked proxy
  }
}

/**
 * A WebSocket connection made by `wx.connectSocket` [doc: SocketTask]. Listeners are additive and called in
 * registration order; a listener that throws is reported and dispatch goes on (§0.3). Methods called with a `this`
 * that is not a task (unbound, a copy of a task) fail instead of throwing (§0.5).
 *
 * Tasks are made from a subclass per `reportError` (`socketTaskClass`), which holds `send` and `close`: a method taken
 * off a task and called unbound still knows the `wx` it came from, and reports to its `reportError`.
 */
export abstract class SocketTask {
  // On the prototype, as `ws` puts them, not an own field per task: idle tasks are many.
  declare readonly CONNECTING: typeof CONNECTING;
  declare readonly OPEN: typeof OPEN;
  declare readonly CLOSING: typeof CLOSING;
  declare readonly CLOSED: typeof CLOSED;
  static {
    for (const [name, value] of Object.entries(ReadyState))
      Object.defineProperty(this.prototype, name, { value, enumerable: true });
  }
  declare readonly [kController]: TaskController;

  /** @internal Tasks are made by `wx.connectSocket`. */
  constructor(controller: TaskController) {
    // Not enumerable: a copy of a task (`{...task}`) is not a task.
    Object.defineProperty(this, kController, { value: controller });
  }

  /** `0` CONNECTING, `1` OPEN, `3` CLOSED. Not documented by WeChat, but present and read by real clients [lib]. */
  get readyState(): 0 | 1 | 3 {
    return controllerOf(this)?.readyState ?? CLOSED;
  }

  /** Listens for the connection opening: `{header, profile}` [doc: SocketTask.onOpen]. */
  onOpen(listener: (result: OnOpenListenerResult) => void): void {
    controllerOf(this)?.listen('open', listener);
  }

  /** Listens for messages: `{data}`, a `string` or an `ArrayBuffer` [doc: SocketTask.onMessage]. */
  onMessage(listener: (result: SocketTaskOnMessageListenerResult) => void): void {
    controllerOf(this)?.listen('message', listener);
  }

  /** Listens for a failure: `{errMsg}` (+ `errCode` on android) [doc: SocketTask.onError]. */
  onError(listener: (result: SocketTaskOnErrorListenerResult) => void): void {
    controllerOf(this)?.listen('error', listener);
  }

  /** Listens for the end of the connection: `{code, reason}` [doc: SocketTask.onClose]. Fires once, last. */
  onClose(listener: (result: SocketTaskOnCloseListenerResult) => void): void {
    controllerOf(this)?.listen('close', listener);
  }

  /**
   * Sends a `string` or an `ArrayBuffer` [doc: SocketTask.send]. `success` comes once the transport has taken the
   * data. On profile `ios`, returns a Promise when called without callbacks [lib].
   */
  abstract send(option: SocketTaskSendOption): Promise<CallResult> | void;

  /**
   * Closes the connection [doc: SocketTask.close]: `code` 1000 or 3000–4999, `reason` at most 123 UTF-8 bytes.
   * While CONNECTING, abandons the handshake; `onClose` then reports the requested code and reason [ours].
   */
  abstract close(option?: SocketTaskCloseOption): Promise<CallResult> | void;
}

type TaskClass = new (controller: TaskController) => SocketTask;

/**
 * The classes made so far, one per reporter: the `wx` objects that share one (the console's, or a load test's) share
 * their class too, where a class per `wx` object cost each about 1 KB of class, prototype and shapes.
 */
const taskClasses = new WeakMap<ErrorReporter, TaskClass>();

/** Makes the task users hold for a controller. */
export const newTask = (controller: TaskController): SocketTask => {
  const { report } = controller.settings;
  let Task = taskClasses.get(report);
  if (!Task) taskClasses.set(report, (Task = socketTaskClass(report)));
  return new Task(controller);
};

/** A task class: a call of `send` or `close` whose `this` is not a task reports to `report`. */
function socketTaskClass(report: ErrorReporter): TaskClass {
  return class extends SocketTask {
    send(option: SocketTaskSendOption): Promise<CallResult> | void {
      const controller = controllerOf(this);
      if (!controller) return detached(ErrMsg.sendApi, 'send', option, report);
      const { profile } = controller.settings;
      return controller.send(option, profile.sendNotOpen, profile.taskMethodsReturnPromise);
    }

    close(option?: SocketTaskCloseOption): Promise<CallResult> | void {
      const controller = controllerOf(this);
      if (!controller) return detached(ErrMsg.closeApi, 'close', option, report);
      return controller.close(option, controller.settings.profile.taskMethodsReturnPromise);
    }
  };
}

/** A task method called with a `this` that is not a task: a `fail`, never a throw (§0.5). */
function detached(api: string, method: string, option: unknown, report: ErrorReporter): void {
  void failLater(completionFor(api, plainOptions(option), report, false), ErrMsg.fail(api, ErrMsg.detached(method)));
}
