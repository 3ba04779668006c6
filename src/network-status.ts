/**
 * The emulated phone's network (contract §8.2, §8.3): `wx.getNetworkType`, `wx.onNetworkStatusChange`,
 * `wx.onNetworkWeakChange` and their `off*`, and what a change of network does to the sockets. The phone control
 * (`phone.ts`) changes it; sockets read `isConnected` when they start.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/device/network/wx.getNetworkType.html
 */
import { completionFor, failLater, type CallResult } from './callbacks.js';
import { fail, ok, parameterError } from './errmsg.js';
import { isPlainObject } from './values.js';
import type { FieldProgram } from './field-program.js';
import { ListenerList } from './listener-list.js';
import { later } from './schedule.js';
import type { LinkConditions, NetworkLink } from './transport.js';
import type {
  GetNetworkTypeSuccessCallbackResult,
  NetworkType,
  OnNetworkStatusChangeListenerResult,
  OnNetworkWeakChangeListenerResult,
} from './types.js';

/** The network types, `none` being offline [doc]. */
export const NETWORK_TYPES: readonly NetworkType[] = ['wifi', '2g', '3g', '4g', '5g', 'unknown', 'none'];

const API = 'getNetworkType';

/**
 * The network of one emulated phone. It is also the link its connections go through (`TransportRequest.link`): the
 * transport reads `conditions` as bytes enter it, so `weaken`/`strengthen` apply to open connections too.
 */
export class NetworkStatus implements NetworkLink {
  readonly #program: FieldProgram;
  readonly #statusListeners = new ListenerList<OnNetworkStatusChangeListenerResult>();
  readonly #weakListeners = new ListenerList<OnNetworkWeakChangeListenerResult>();
  #type: NetworkType = 'wifi'; // the default of §8.2
  /** The type before going offline, which `online()` comes back to. */
  #lastOnline: NetworkType = 'wifi';
  #link: LinkConditions | undefined;
  /** Whether connections go through the link: only once the phone is controlled, so that otherwise it costs nothing. */
  #shaping = false;

  /** The `wx` methods, as functions of the program (`wx.ts`); each from its base library on, as versions.ts says. */
  static readonly api: Readonly<Record<string, (program: { network: NetworkStatus }, argument: unknown) => unknown>> = {
    getNetworkType: ({ network }, option) => network.#getNetworkType(option),
    onNetworkStatusChange: ({ network }, listener) => network.#statusListeners.add(listener),
    offNetworkStatusChange: ({ network }, listener) => network.#statusListeners.remove(listener),
    onNetworkWeakChange: ({ network }, listener) => network.#weakListeners.add(listener),
    offNetworkWeakChange: ({ network }, listener) => network.#weakListeners.remove(listener),
  };

  constructor(program: FieldProgram) {
    this.#program = program;
  }

  get type(): NetworkType {
    return this.#type;
  }

  get isConnected(): boolean {
    return this.#type !== 'none';
  }

  get lastOnline(): NetworkType {
    return this.#lastOnline;
  }

  /** The weak link's conditions, or `undefined` when the link is not weak (`NetworkLink`). */
  get conditions(): LinkConditions | undefined {
    return this.#link;
  }

  /** The link to hand the transport with each new connection, or `undefined` when the phone is not controlled. */
  get transportLink(): NetworkLink | undefined {
    return this.#shaping ? this : undefined;
  }

  /** From now on, new connections go through the link (the phone's control was asked for). */
  startShaping(): void {
    this.#shaping = true;
  }

  /** The network the phone starts on, without an event (the page's, in a browser: §8.4). */
  assume(type: NetworkType): void {
    this.#type = type;
    if (type !== 'none') this.#lastOnline = type;
  }

  /**
   * The phone changes network: `onNetworkStatusChange` on a later turn, then, when a network was left, every
   * connection fails (§8.3). The same type again: nothing happens. `dropConnections: false` only reports the change
   * (a browser's own sockets live or die with the real network, §8.4).
   */
  setType(type: NetworkType, dropConnections = true): void {
    const previous = this.#type;
    if (type === previous) return;
    this.#type = type;
    if (previous !== 'none') this.#lastOnline = previous;
    const result: OnNetworkStatusChangeListenerResult = { isConnected: type !== 'none', networkType: type };
    this.#deliver(() =>
      this.#statusListeners.emit(result, this.#program.settings.report, 'wx.onNetworkStatusChange listener'),
    );
    // Coming online from offline: nothing was connected. Otherwise every connection dies [src Android; field].
    if (previous === 'none' || !dropConnections) return;
    for (const task of this.#program.liveTasks()) task.loseNetwork(type === 'none' ? 'offline' : 'switch');
  }

  /** The link becomes weak (or its conditions change): `onNetworkWeakChange` when it was not weak before. */
  weaken(link: LinkConditions): void {
    const wasWeak = this.#link !== undefined;
    this.#link = link;
    if (!wasWeak) this.#weakChanged(true);
  }

  /** The link is strong again: `onNetworkWeakChange` when it was weak. */
  strengthen(): void {
    if (this.#link === undefined) return;
    this.#link = undefined;
    this.#weakChanged(false);
  }

  #weakChanged(weakNet: boolean): void {
    const result: OnNetworkWeakChangeListenerResult = { weakNet, networkType: this.#type };
    this.#deliver(() =>
      this.#weakListeners.emit(result, this.#program.settings.report, 'wx.onNetworkWeakChange listener'),
    );
  }

  /** Delivers on a later turn, or when the app shows again if it is suspended then (§8.1). */
  #deliver(delivery: () => void): void {
    const { gate } = this.#program;
    later(() => {
      if (!gate.hold(delivery)) delivery();
    });
  }

  #getNetworkType(option: unknown): Promise<CallResult> | void {
    const { settings, gate } = this.#program;
    // An array or a function may still carry callbacks, as with `connectSocket` (§1); a primitive has none.
    const carrier = Object(option) === option ? (option as object) : undefined;
    const completion = completionFor(API, carrier, settings.report, settings.features.promise, gate);
    if (option !== undefined && !isPlainObject(option))
      return failLater(completion, fail(API, parameterError('parameter', 'Object', option)));
    const result: CallResult & Partial<GetNetworkTypeSuccessCallbackResult> = {
      errMsg: ok(API),
      networkType: this.#type,
      signalStrength: 0, // [ours] no radio to measure
    };
    if (settings.features.hasSystemProxy) result.hasSystemProxy = false;
    if (settings.features.weakNetField) result.weakNet = this.#link !== undefined;
    completion?.settleLater(result, true);
    return completion?.promise;
  }
}
