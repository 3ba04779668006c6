/**
 * Public types, named after WeChat's own typings (`miniprogram-api-typings`, namespace `WechatMiniprogram`) and
 * structurally compatible with them.
 */
import type { CallResult } from './callbacks.js';
import type { SocketTask } from './socket-task.js';
import type { SocketProfile } from './transport.js';

export type { SocketTask };
export type { SocketProfile };

/** The result every callback receives: `{errMsg}` [doc]. */
export interface GeneralCallbackResult {
  errMsg: string;
}

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

/** `wx.connectSocket`'s success result: `socketTaskId` on profile `ios` [lib]. */
export interface ConnectSocketSuccessCallbackResult extends GeneralCallbackResult {
  socketTaskId?: number;
}

type Callback<R> = (result: R) => void;

/** `wx.connectSocket` options [doc]. */
export interface ConnectSocketOption {
  /** A `ws://` or `wss://` URL (WeChat requires `wss` and a legal domain when the domain check is on). */
  url: string;
  /** Request headers; `Referer` cannot be set. Ignored in browsers. */
  header?: Record<string, unknown>;
  /** Subprotocols (1.4.0). A comma-separated string is accepted too [ours]. */
  protocols?: string[];
  /** TCP_NODELAY (2.4.0). */
  tcpNoDelay?: boolean;
  /** Offer permessage-deflate (2.8.0). */
  perMessageDeflate?: boolean;
  /** Handshake timeout in ms (2.10.0). */
  timeout?: number;
  /** Force the cellular network (2.29.0): accepted and ignored off the phone. */
  forceCellularNetwork?: boolean;
  /** Listed by the 1.x docs; accepted and ignored. */
  method?: string;
  /** Listed by the 1.x docs; accepted and ignored. */
  data?: unknown;
  /** The task was created (not: connected) [lib]. */
  success?: Callback<ConnectSocketSuccessCallbackResult> | undefined;
  fail?: Callback<GeneralCallbackResult> | undefined;
  complete?: Callback<GeneralCallbackResult> | undefined;
}

/** `wx.sendSocketMessage` options [doc]. */
export interface SendSocketMessageOption {
  data: string | ArrayBuffer;
  success?: Callback<GeneralCallbackResult> | undefined;
  fail?: Callback<GeneralCallbackResult> | undefined;
  complete?: Callback<GeneralCallbackResult> | undefined;
}

/** `wx.closeSocket` options [doc]. */
export interface CloseSocketOption {
  /** 1000 (default) or 3000–4999 (1.4.0). */
  code?: number;
  /** At most 123 UTF-8 bytes (1.4.0). */
  reason?: string;
  success?: Callback<GeneralCallbackResult> | undefined;
  fail?: Callback<GeneralCallbackResult> | undefined;
  complete?: Callback<GeneralCallbackResult> | undefined;
}

/** `wx.onSocketOpen`'s result: `{header}` (2.0.0), no `profile` [doc]. */
export interface OnSocketOpenListenerResult {
  header: Record<string, string>;
}

/** What an asynchronous API's option may carry: its `success` callback types the Promise's value. */
export interface AsyncMethodOptionLike {
  // `any` as in the official typings: `PromisifySuccessResult` must be identical to theirs to be related to it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  success?: ((...args: any[]) => void) | undefined;
}

/**
 * The return type of an API that returns a Promise when called without callbacks (base library 2.10.2+), spelled
 * exactly as the official typings spell `WechatMiniprogram.PromisifySuccessResult` (TypeScript relates two generic
 * conditional types only when their `extends` clauses are identical): `void` when any callback key is given, else a
 * Promise of what `success` would get.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- spelled as the official typings spell it (see above) */
export type PromisifySuccessResult<P, T extends AsyncMethodOptionLike> = P extends { success: any }
  ? void
  : P extends { fail: any }
    ? void
    : P extends { complete: any }
      ? void
      : Promise<Parameters<Exclude<T['success'], undefined>>[0]>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * The names of the socket API of `wx`. Code that should accept WeChat's own `wx` and wxsocket's alike types its
 * parameter as that part of the official type, `Pick<WechatMiniprogram.Wx, WxSocketApiName>`: the whole
 * `WechatMiniprogram.Wx` has hundreds of APIs wxsocket does not emulate (docs/compatibility.md).
 */
export type WxSocketApiName =
  | 'connectSocket'
  | 'onSocketOpen'
  | 'onSocketMessage'
  | 'onSocketError'
  | 'onSocketClose'
  | 'sendSocketMessage'
  | 'closeSocket'
  | 'canIUse';

/** The socket part of WeChat's `wx` object, as `createWx` makes it. */
export interface Wx {
  /**
   * Creates a WebSocket connection and returns its `SocketTask` [doc: wx.connectSocket]. As in WeChat (whose
   * typings don't say so either), returns `undefined` for invalid options and below base library 1.7.0.
   */
  connectSocket(option: ConnectSocketOption): SocketTask;
  /** Listens for the current socket opening (one listener; a later call replaces it). */
  onSocketOpen(listener: Callback<OnSocketOpenListenerResult>): void;
  /** Listens for the current socket's messages (one listener). */
  onSocketMessage(listener: Callback<{ data: string | ArrayBuffer }>): void;
  /** Listens for the current socket's errors (one listener). */
  onSocketError(listener: Callback<GeneralCallbackResult>): void;
  /** Listens for the current socket closing (one listener). */
  onSocketClose(listener: Callback<{ code: number; reason: string }>): void;
  /** Sends on the current socket [doc: wx.sendSocketMessage]. */
  sendSocketMessage<T extends SendSocketMessageOption = SendSocketMessageOption>(
    option: T,
  ): PromisifySuccessResult<T, SendSocketMessageOption>;
  /** Closes the current socket, and every other socket of this `wx` [doc/lib: wx.closeSocket]. */
  closeSocket<T extends CloseSocketOption = CloseSocketOption>(
    option?: T,
  ): PromisifySuccessResult<T, CloseSocketOption>;
  /** Whether the emulated base library has a socket or field-condition API, option or field [doc: wx.canIUse]. */
  canIUse(schema: string): boolean;

  // Field conditions (§8). Each exists only from its base library version on, as on a phone: feature-detect with
  // `wx.canIUse('onAppShow')` or `typeof wx.onAppShow === 'function'`.
  /** Listens for the app coming to the foreground (2.1.2) [doc: wx.onAppShow]. Additive. */
  onAppShow(listener: OnAppShowCallback): void;
  /** Listens for the app going to the background (2.1.2) [doc: wx.onAppHide]. Additive. */
  onAppHide(listener: OnAppHideCallback): void;
  /** Removes an `onAppShow` listener, or all without an argument (2.1.2). */
  offAppShow(listener?: AnyListener): void;
  /** Removes an `onAppHide` listener, or all without an argument (2.1.2). */
  offAppHide(listener?: AnyListener): void;
  /** The network type (1.0.0) [doc: wx.getNetworkType]; a Promise without callbacks from 2.10.2. */
  getNetworkType<T extends GetNetworkTypeOption = GetNetworkTypeOption>(
    option?: T,
  ): PromisifySuccessResult<T, GetNetworkTypeOption>;
  /** Listens for changes of network type or connectivity (1.1.0) [doc: wx.onNetworkStatusChange]. Additive. */
  onNetworkStatusChange(listener: Callback<OnNetworkStatusChangeListenerResult>): void;
  /** Removes an `onNetworkStatusChange` listener, or all without an argument (2.9.3). */
  offNetworkStatusChange(listener?: AnyListener): void;
  /** Listens for the weak-network state flipping (2.21.0) [doc: wx.onNetworkWeakChange]. Additive. */
  onNetworkWeakChange(listener: Callback<OnNetworkWeakChangeListenerResult>): void;
  /** Removes an `onNetworkWeakChange` listener, or all without an argument (2.21.0). */
  offNetworkWeakChange(listener?: AnyListener): void;
}

/** A listener of any result type, as the `off*` methods take one. */
export type AnyListener = (result: never) => void;

/** The network types WeChat reports [doc: wx.getNetworkType]; `none` means offline. */
export type NetworkType = 'wifi' | '2g' | '3g' | '4g' | '5g' | 'unknown' | 'none';

/** `wx.onAppShow`'s result: the launch (or re-entry) the app was shown for [doc: App.onShow]. */
export interface OnAppShowListenerResult {
  /** The page path, e.g. `'pages/index/index'`. */
  path: string;
  /** The scene value, e.g. 1001. */
  scene: number;
  query: Record<string, string>;
  /** Where the user came from; `{}` when from nowhere in particular [doc]. */
  referrerInfo: { appId?: string; extraData?: Record<string, unknown> };
  /** `'default'` (2.20.0). */
  apiCategory?: 'default' | 'nativeFunctionalized' | 'browseOnly' | 'embedded' | 'chatTool';
}

/**
 * An `onAppShow` listener. Its parameter is checked both ways (the method-parameter rule), so listeners typed with
 * the official `LaunchOptionsApp` are accepted: that type requires fields WeChat sends only in particular scenes
 * (`forwardMaterials` for scene 1173, `hostExtraData` in third-party apps), which wxsocket never sends.
 */
export type OnAppShowCallback = { bivariant(result: OnAppShowListenerResult): void }['bivariant'];

/**
 * `wx.onAppHide`'s result: `{}`, with `reason` from 3.5.7 (0 left the app, 1 another mini program, 2 a native page,
 * 3 other) [doc].
 */
export interface OnAppHideListenerResult {
  reason?: 0 | 1 | 2 | 3;
}
export type OnAppHideCallback = Callback<OnAppHideListenerResult>;

/** `wx.onNetworkStatusChange`'s result [doc]. */
export interface OnNetworkStatusChangeListenerResult {
  isConnected: boolean;
  networkType: NetworkType;
}

/** `wx.onNetworkWeakChange`'s result [doc]. */
export interface OnNetworkWeakChangeListenerResult {
  weakNet: boolean;
  networkType: NetworkType;
}

/** `wx.getNetworkType`'s success result [doc]. */
export interface GetNetworkTypeSuccessCallbackResult extends GeneralCallbackResult {
  networkType: NetworkType;
  /** Signal strength in dBm; 0 here: there is no radio to measure [ours]. */
  signalStrength: number;
  /** Whether a system proxy is set (2.22.1): always `false` here. */
  hasSystemProxy: boolean;
  /** Whether the network is weak (3.5.3). */
  weakNet: boolean;
}

/** `wx.getNetworkType` options [doc]. */
export interface GetNetworkTypeOption {
  success?: Callback<GetNetworkTypeSuccessCallbackResult> | undefined;
  fail?: Callback<GeneralCallbackResult> | undefined;
  complete?: Callback<GeneralCallbackResult> | undefined;
}

export type { CallResult };
