/**
 * The `createWx` options that only the Node entry turns into settings: WeChat's own request headers (`Referer`,
 * `User-Agent`, contract §1) and the extra trust of `tls.ca`. A browser's `WebSocket` can neither send request headers
 * nor take a CA (docs/browser.md), so the browser entry leaves all of this out and ships none of it.
 */
import { checkObject, mustBe } from './option-keys.js';
import { refuse, type CertificateAuthority, type HandshakeOptions, type WxOptions } from './options.js';
import { userAgentOf } from './profiles.js';

export const handshakeOptions: HandshakeOptions = (options, profile) => ({
  clientHeaders: {
    // [doc/lib] the Referer WeChat sends; callers cannot set it.
    Referer: `https://servicewechat.com/${options.appId}/${options.appVersion}/page-frame.html`,
    'User-Agent': userAgentOf(profile),
  },
  ca: resolveCa(options.tls),
});

/** No extra trust: one frozen list for every `wx` object. */
const NO_CA: readonly CertificateAuthority[] = Object.freeze([]);

function resolveCa(tls: WxOptions['tls']): readonly CertificateAuthority[] {
  if (tls === undefined) return NO_CA;
  const { ca } = checkObject(tls, 'tls', ['ca'], refuse) as NonNullable<WxOptions['tls']>;
  const list = ca === undefined ? NO_CA : Array.isArray(ca) ? ca : [ca];
  for (const entry of list) {
    if (typeof entry !== 'string' && !(entry instanceof Uint8Array))
      refuse('tls.ca', mustBe('tls.ca', 'PEM certificates (strings or bytes)', entry));
  }
  // A frozen list cannot change: kept as it is, so that the `wx` objects given one list (the Artillery engine's) share
  // it, and with it the TLS context made for it (ws-handshake.ts).
  return Object.isFrozen(list) ? list : Object.freeze([...list]);
}
