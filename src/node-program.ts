/**
 * @internal Not in the package's exports. A Node mini program without its `wx` object yet, as `createWx` (node.ts)
 * would make it: the Artillery engine's virtual users, whose `wx` is made only when user code asks for it.
 */
import './node-host.js';
import { handshakeOptions } from './handshake-options.js';
import type { WxOptions } from './options.js';
import { defaultWsTransport } from './transports/ws.js';
import { createProgramWith, type WxProgram } from './wx.js';

/** Throws a `WxOptionsError` for invalid options, as `createWx` does. */
export function createNodeProgram(options: WxOptions): WxProgram {
  return createProgramWith(options, defaultWsTransport, handshakeOptions);
}
