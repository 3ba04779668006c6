/**
 * The `createWx` options that only the Node entry turns into settings: WeChat's own request headers (`Referer`,
 * `User-Agent`, contract §1) and the extra trust of `tls.ca`. A browser's `WebSocket` can neither send request headers
 * nor take a CA (docs/browser.md), so the browser entry leaves all of this out and ships none of it.
 */
import { checkObject, mustBe } from './option-keys.js';
import {
  refuse,
  type CertificateAuthority,
  type HandshakeOptions,
  type RequestHeader,
  type WxOptions,
} from './options.js';
import { userAgentOf, type PlatformProfile } from './profiles.js';

/**
 * Header names (lower case) dropped because they would break the handshake, or are set by the client itself [ours,
 * §1]. `referer` and `user-agent` are replaced by WeChat's own values.
 */
const CLIENT_OWNED_HEADER =
  /^(host|connection|upgrade|content-length|transfer-encoding|referer|user-agent|sec-websocket-.*)$/;

export const handshakeOptions: HandshakeOptions = (options, profile) => ({
  // Both given or defaulted by `resolveOptions` before it calls here.
  requestHeaders: requestHeadersOf(profile, options.appId!, options.appVersion!),
  ca: resolveCa(options.tls),
});

type RequestHeaders = ReturnType<HandshakeOptions>['requestHeaders'];

/**
 * The `requestHeaders` of each platform, app id and app version seen: the `wx` objects of a load test share one
 * (with its headers) instead of holding a copy each, about 250 bytes. A handful in practice; forgotten past 64, so
 * that a program making `wx` objects for ever more apps does not grow it without end.
 */
const byApp = new Map<string, RequestHeaders>();

function requestHeadersOf(profile: PlatformProfile, appId: string, appVersion: string): RequestHeaders {
  const key = `${profile.name} ${appId} ${appVersion}`;
  let made = byApp.get(key);
  if (!made) {
    const clientHeaders = Object.freeze({
      // [doc/lib] the Referer WeChat sends; callers cannot set it.
      Referer: `https://servicewechat.com/${appId}/${appVersion}/page-frame.html`,
      'User-Agent': userAgentOf(profile),
    });
    made = (given) => requestHeaders(given, clientHeaders);
    if (byApp.size >= 64) byApp.clear();
    byApp.set(key, made);
  }
  return made;
}

/**
 * The headers a request sends: the caller's, less those the client owns, then WeChat's own. Without headers of the
 * caller's (the common call), WeChat's own object, shared by every request; transports only read it. Headers built
 * from the caller's have no prototype, so a `__proto__` name is a plain header and cannot reach `Object.prototype`.
 */
function requestHeaders(
  given: readonly RequestHeader[],
  clientHeaders: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (given.length === 0) return clientHeaders;
  // Names differing only in case are one header; the last one given wins [ours].
  const byLowerCase = new Map<string, RequestHeader>();
  for (const header of given) {
    const lower = header[0].toLowerCase();
    if (CLIENT_OWNED_HEADER.test(lower)) continue;
    byLowerCase.delete(lower);
    byLowerCase.set(lower, header);
  }
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of byLowerCase.values()) headers[name] = value;
  return Object.assign(headers, clientHeaders);
}

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
