/**
 * wxsocket in browsers: the WeChat Mini Program socket API over the browser's own `WebSocket`. Chosen by the
 * package's `browser` export condition; what a browser cannot do as WeChat does is listed in docs/browser.md.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.connectSocket.html
 */
import { installWxWith, type InstalledWx } from './install-wx.js';
import type { WxOptions } from './options.js';
import { followPage } from './page-events.js';
import type { Transport } from './transport.js';
import { nativeTransport } from './transports/native.js';
import type { Wx } from './types.js';
import { createWxWith } from './wx.js';

let platformTransport: Transport | undefined;

/**
 * The native transport over `globalThis.WebSocket`, looked up at the first connection rather than at import, so
 * that importing this module never fails (server-side rendering, a worker without sockets): a `wx` made where
 * there is no `WebSocket` fails its connections with code:2 instead.
 */
const defaultNativeTransport: Transport = (request, handlers) =>
  (platformTransport ??= nativeTransport())(request, handlers);

/**
 * Creates a `wx` object: one isolated mini program with the socket API (`connectSocket`, `onSocket*`,
 * `sendSocketMessage`, `closeSocket`, `canIUse`) and the field-condition APIs (§8), on a phone that follows the page:
 * its visibility and network (`pageEvents`, §8.4). Throws a `WxOptionsError` for invalid options.
 */
export function createWx(options?: WxOptions): Wx {
  return createWxWith(options, defaultNativeTransport, followPage);
}

/** Creates a `wx` object and installs it as `globalThis.wx`; `uninstall()` restores what was there. */
export function installWx(options?: WxOptions): InstalledWx {
  return installWxWith(createWx, options);
}

export {
  nativeTransport,
  type NativeTransportOptions,
  type NativeWebSocket,
  type NativeWebSocketConstructor,
} from './transports/native.js';
export * from './public.js';
