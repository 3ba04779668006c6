/**
 * What the native transport can do in Chromium and on Node 22+: the conformance suites skip or adapt the tests that
 * need more (docs/browser.md lists each difference).
 */
import type { Capabilities } from '../conformance/env.js';

export const NATIVE_CAPABILITIES: Capabilities = {
  requestHeaders: false, // a WebSocket constructor takes no headers
  responseHeaders: false, // nor shows the 101's
  tls: false, // trust comes from the platform's store, not from `tls.ca`; host names are resolved by the platform
  fullProfile: false, // `fetchStart` and `cost` only
  handshakeFailureDetail: false, // an HTTP status and a refused connection look the same (code:2)
  errorOnDrop: false, // browsers fire `error` only when the peer broke the protocol
  tellsStreamEnd: false, // a close event has no word on how the TCP connection ended
};

/** Node's WebSocket (undici) also fires `error` when the connection drops after open. */
export const NODE_NATIVE_CAPABILITIES: Capabilities = { ...NATIVE_CAPABILITIES, errorOnDrop: true };
