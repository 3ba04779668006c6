/**
 * The part of WeChat's `wx` object the reliable socket uses, typed structurally and minimally so that real WeChat's
 * `wx` (`WechatMiniprogram.Wx` from miniprogram-api-typings), a `createWx()` object from wxsocket, or any other
 * implementation fits without a cast. Only the public API appears here: no wxsocket internals.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.connectSocket.html
 */

/** What WeChat passes to `success`/`fail`/`complete` and to `onError`: `{errMsg}` (+ `errCode` on Android). */
export interface WxCallResult {
  errMsg: string;
  errCode?: number;
}

/** The `wx.connectSocket` options the reliable socket passes through (everything but `url` and the callbacks). */
export interface WxConnectOptions {
  /** Request headers (ignored in browsers; `Referer` cannot be set). */
  header?: Record<string, unknown>;
  /** Subprotocols (base library 1.4.0). */
  protocols?: string[];
  /** TCP_NODELAY (2.4.0). */
  tcpNoDelay?: boolean;
  /** Offer permessage-deflate (2.8.0). */
  perMessageDeflate?: boolean;
  /** Opening handshake timeout in ms (2.10.0; WeChat's default is 60 s, or app.json's `networkTimeout`). */
  timeout?: number;
  /** Use the cellular network (2.29.0). */
  forceCellularNetwork?: boolean;
}

/** `wx.connectSocket`'s argument as the reliable socket builds it. */
export interface WxConnectSocketOption extends WxConnectOptions {
  url: string;
  success?: (result: WxCallResult) => void;
  fail?: (result: WxCallResult) => void;
  complete?: (result: WxCallResult) => void;
}

/** The `SocketTask` methods used: the four listeners, `send` and `close` [doc: SocketTask]. */
export interface SocketTaskLike {
  send(option: {
    data: string | ArrayBuffer;
    success?: (result: WxCallResult) => void;
    fail?: (result: WxCallResult) => void;
  }): unknown;
  close(option: {
    code?: number;
    reason?: string;
    success?: (result: WxCallResult) => void;
    fail?: (result: WxCallResult) => void;
  }): unknown;
  onOpen(listener: (result: { header?: Record<string, unknown>; profile?: object }) => void): void;
  onMessage(listener: (result: { data: string | ArrayBuffer }) => void): void;
  onError(listener: (result: WxCallResult) => void): void;
  onClose(listener: (result: { code: number; reason: string }) => void): void;
}

/** `wx.onNetworkStatusChange`'s result [doc]. `networkType`: `wifi`, `2g`, `3g`, `4g`, `5g`, `unknown` or `none`. */
export interface WxNetworkStatus {
  isConnected: boolean;
  networkType: string;
}

/**
 * A `wx`-like object: `connectSocket` (base library 1.7.0+, which returns a `SocketTask`), and, where they exist, the
 * app's lifecycle events `onAppHide`/`onAppShow` (2.1.2, `off*` 2.9.3 in WeChat's typings, 2.1.2 in wxsocket's) and
 * the network's `getNetworkType` (1.0.0), `onNetworkStatusChange` (1.1.0) and `offNetworkStatusChange` (2.9.3). Each
 * of those is optional: an older `wx`-like without them still works, without the pauses they drive.
 */
export interface WxLike {
  /** Returns the task, or `undefined` for invalid options and below base library 1.7.0 (contract §1). */
  connectSocket(option: WxConnectSocketOption): SocketTaskLike | undefined;
  onAppHide?(listener: (result: unknown) => void): void;
  onAppShow?(listener: (result: unknown) => void): void;
  offAppHide?(listener: (result: unknown) => void): void;
  offAppShow?(listener: (result: unknown) => void): void;
  getNetworkType?(option: {
    success?: (result: { networkType: string }) => void;
    fail?: (result: WxCallResult) => void;
  }): unknown;
  onNetworkStatusChange?(listener: (result: WxNetworkStatus) => void): void;
  offNetworkStatusChange?(listener: (result: unknown) => void): void;
}
