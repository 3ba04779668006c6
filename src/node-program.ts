/**
 * @internal Not in the package's exports. The settings of a Node mini program: the one place that pairs the `ws`
 * transport with what it sends in the handshake, for `createWx` (node.ts) and the Artillery engine, whose virtual
 * users share them and each get a program without its `wx` object yet.
 */
import './node-host.js';
import { handshakeOptions } from './handshake-options.js';
import type { Settings, WxOptions } from './options.js';
import { defaultWsTransport } from './transports/ws.js';
import { settingsWith } from './wx.js';

/** Throws a `WxOptionsError` for invalid options, as `createWx` does. */
export function nodeSettings(options: WxOptions | undefined): Settings {
  return settingsWith(options, defaultWsTransport, handshakeOptions);
}
