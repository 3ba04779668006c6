/**
 * wxsocket on Node.js: the WeChat Mini Program socket API over `ws`.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.connectSocket.html
 */
import './node-host.js';
import { installWxWith, type InstalledWx } from './install-wx.js';
import type { WxOptions } from './options.js';
import { nodeSettings } from './node-program.js';
import type { Wx } from './types.js';
import { createWxOn } from './wx.js';

/**
 * Creates a `wx` object: one isolated mini program with the socket API (`connectSocket`, `onSocket*`,
 * `sendSocketMessage`, `closeSocket`, `canIUse`). Throws a `WxOptionsError` for invalid options.
 */
export function createWx(options?: WxOptions): Wx {
  return createWxOn(nodeSettings(options));
}

/** Creates a `wx` object and installs it as `globalThis.wx`; `uninstall()` restores what was there. */
export function installWx(options?: WxOptions): InstalledWx {
  return installWxWith(createWx, options);
}

export { wsTransport, type WsTransportOptions } from './transports/ws.js';
// The platform's own WebSocket (Node.js 22+), chosen explicitly: `createWx({transport: nativeTransport()})`.
export {
  nativeTransport,
  type NativeTransportOptions,
  type NativeWebSocket,
  type NativeWebSocketConstructor,
} from './transports/native.js';
export * from './public.js';
