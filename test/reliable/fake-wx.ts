// A wx-like object whose tasks the test drives by hand: it decides when a task opens, what it receives, when each
// send is confirmed or fails, and whether a close is ever answered. For the edges a real server cannot produce on
// demand (a send confirmed after the connection died, a platform that never reports onClose, connectSocket
// returning nothing).
import type {
  SocketTaskLike,
  WxCallResult,
  WxConnectSocketOption,
  WxLike,
  WxNetworkStatus,
} from '../../src/reliable/index.js';

interface PendingSend {
  readonly data: string | ArrayBuffer;
  readonly success: ((result: WxCallResult) => void) | undefined;
  readonly fail: ((result: WxCallResult) => void) | undefined;
}

export class FakeTask implements SocketTaskLike {
  readonly sends: PendingSend[] = [];
  readonly closeRequests: Array<{ code?: number; reason?: string }> = [];
  ended = false;
  readonly #listeners = {
    open: [] as Function[],
    message: [] as Function[],
    error: [] as Function[],
    close: [] as Function[],
  };

  constructor(readonly option: WxConnectSocketOption) {}

  send(option: {
    data: string | ArrayBuffer;
    success?: (result: WxCallResult) => void;
    fail?: (result: WxCallResult) => void;
  }): void {
    this.sends.push({ data: option.data, success: option.success, fail: option.fail });
  }
  close(option: { code?: number; reason?: string }): void {
    this.closeRequests.push({
      ...(option.code !== undefined && { code: option.code }),
      ...(option.reason !== undefined && { reason: option.reason }),
    });
  }
  onOpen(listener: Function): void {
    this.#listeners.open.push(listener);
  }
  onMessage(listener: Function): void {
    this.#listeners.message.push(listener);
  }
  onError(listener: Function): void {
    this.#listeners.error.push(listener);
  }
  onClose(listener: Function): void {
    this.#listeners.close.push(listener);
  }

  /** The data of every send so far. */
  get sent(): Array<string | ArrayBuffer> {
    return this.sends.map((send) => send.data);
  }

  open(): void {
    for (const listener of this.#listeners.open) listener({ header: { server: 'fake' } });
  }
  receive(data: string | ArrayBuffer): void {
    for (const listener of this.#listeners.message) listener({ data });
  }
  error(errMsg: string): void {
    for (const listener of this.#listeners.error) listener({ errMsg });
  }
  end(code = 1006, reason = 'abnormal closure'): void {
    this.ended = true;
    for (const listener of this.#listeners.close) listener({ code, reason });
  }
  /** Confirms (or fails) the send at `index`. */
  confirm(index: number, ok = true): void {
    const send = this.sends[index]!;
    if (ok) send.success?.({ errMsg: 'sendSocketMessage:ok' });
    else send.fail?.({ errMsg: 'sendSocketMessage:fail WebSocket is not connected' });
  }
}

type AppListener = (result: unknown) => void;
type NetworkListener = (result: WxNetworkStatus) => void;

/**
 * Hands out `FakeTask`s; `next` decides what the next `connectSocket` call does. Has WeChat's app events
 * (`onAppHide`/`onAppShow` and their `off*`), which `hide()`/`show()` fire, and its network APIs
 * (`getNetworkType`, answered by `answerNetworkType()`; `onNetworkStatusChange`/`off*`, which `setNetwork()` fires),
 * unless made without them (`{ appEvents: false, network: false }`: an older `wx`-like).
 */
export class FakeWx implements WxLike {
  readonly tasks: FakeTask[] = [];
  next: 'task' | { fail: string; task?: false } | { success: true } | 'throw' = 'task';
  readonly hideListeners = new Set<AppListener>();
  readonly showListeners = new Set<AppListener>();
  readonly networkListeners = new Set<NetworkListener>();
  /** `getNetworkType` calls not yet answered. */
  readonly networkQuestions: Array<(result: { networkType: string }) => void> = [];
  networkType = 'wifi';
  onAppHide?: (listener: AppListener) => void;
  onAppShow?: (listener: AppListener) => void;
  offAppHide?: (listener?: AppListener) => void;
  offAppShow?: (listener?: AppListener) => void;
  getNetworkType?: (option: { success?: (result: { networkType: string }) => void }) => void;
  onNetworkStatusChange?: (listener: NetworkListener) => void;
  offNetworkStatusChange?: (listener?: (result: unknown) => void) => void;

  constructor({ appEvents = true, network = true }: { appEvents?: boolean; network?: boolean } = {}) {
    // Without a listener, WeChat's off* removes them all (contract §8.1).
    const remover =
      <L>(set: Set<L>) =>
      (listener?: L): void =>
        void (listener ? set.delete(listener) : set.clear());
    if (appEvents) {
      this.onAppHide = (listener) => void this.hideListeners.add(listener);
      this.onAppShow = (listener) => void this.showListeners.add(listener);
      this.offAppHide = remover(this.hideListeners);
      this.offAppShow = remover(this.showListeners);
    }
    if (network) {
      this.getNetworkType = (option) => void (option.success && this.networkQuestions.push(option.success));
      this.onNetworkStatusChange = (listener) => void this.networkListeners.add(listener);
      this.offNetworkStatusChange = remover(this.networkListeners as Set<(result: unknown) => void>);
    }
  }

  hide(): void {
    for (const listener of [...this.hideListeners]) listener({});
  }

  show(): void {
    for (const listener of [...this.showListeners]) listener({ path: 'pages/index/index', scene: 1001, query: {} });
  }

  /** Changes the network and reports it to the `onNetworkStatusChange` listeners (`none`: offline). */
  setNetwork(networkType: string): void {
    this.networkType = networkType;
    const status = { isConnected: networkType !== 'none', networkType };
    for (const listener of [...this.networkListeners]) listener(status);
  }

  /** Answers every pending `getNetworkType` with the current type. */
  answerNetworkType(): void {
    for (const answer of this.networkQuestions.splice(0)) answer({ networkType: this.networkType });
  }

  connectSocket(option: WxConnectSocketOption): SocketTaskLike | undefined {
    const next = this.next;
    if (next === 'throw') throw new Error('connectSocket exploded');
    if (next !== 'task') {
      queueMicrotask(() => {
        if ('fail' in next) option.fail?.({ errMsg: next.fail });
        else option.success?.({ errMsg: 'connectSocket:ok' });
      });
      if (!('fail' in next) || next.task === false) return undefined;
    }
    const task = new FakeTask(option);
    this.tasks.push(task);
    if (next === 'task') queueMicrotask(() => option.success?.({ errMsg: 'connectSocket:ok' }));
    return task;
  }

  get last(): FakeTask {
    return this.tasks.at(-1)!;
  }
}
