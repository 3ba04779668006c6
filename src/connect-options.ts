/**
 * `wx.connectSocket` options, read once and checked in WeChat's order (contract §1). Reading is defensive: the
 * options may be proxies, have throwing getters or hostile keys; nothing here throws to the caller.
 */
import * as ErrMsg from './errmsg.js';
import type { RequestHeader, Settings } from './options.js';
import type { TransportRequest } from './transport.js';
import { isPlainObject, objectTag } from './values.js';

/** What a valid `connectSocket` call asks for, normalised: what the transport is asked to open, and the timeout. */
export interface ConnectRequest extends TransportRequest {
  /** The per-call handshake timeout in ms, when a valid one was given. */
  readonly timeout: number | undefined;
}

/**
 * [lib 2.30.3] the only URL check before the domain check: the scheme `ws://` or `wss://` in any case, as the base
 * library's `^(ws|wss)://.*` (case-insensitive) tests it; `ws://` passes.
 */
const URL_PATTERN = /^wss?:\/\//i;

/** RFC 9110 token: header names and subprotocols (also checked by the Node transport, http-upgrade.ts). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Characters HTTP allows in a field value (RFC 9110 field-vchar, SP, HTAB, obs-text); no CR, LF or NUL. */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Reads and checks `connectSocket` options (already known to be an object). Returns the request, or the failure
 * detail that follows `connectSocket:fail `.
 */
export function readConnectOptions(options: object, settings: Settings): ConnectRequest | string {
  const { features } = settings;
  // A getter or proxy trap may throw: the failure names the option being read, or `parameter` for anything else.
  let reading = 'parameter';
  const read = (key: string): unknown => {
    reading = `parameter.${key}`;
    const value = (options as Record<string, unknown>)[key];
    reading = 'parameter';
    return value;
  };
  try {
    const url = read('url');
    if (typeof url !== 'string') return ErrMsg.parameterError('parameter.url', 'String', url);
    if (!URL_PATTERN.test(url)) return ErrMsg.invalidUrl(url);

    const given = readHeaders(read('header'));
    if (typeof given === 'string') return given;

    // Options newer than the emulated base library are ignored, not refused (§1, §4).
    const protocols = features.protocols ? readProtocols(read('protocols')) : [];
    if (typeof protocols === 'string') return protocols;

    return {
      url,
      headers: settings.requestHeaders(given),
      protocols,
      // A boolean option that is not a boolean counts as its default, false (§1).
      perMessageDeflate: features.perMessageDeflate && read('perMessageDeflate') === true,
      tcpNoDelay: features.tcpNoDelay && read('tcpNoDelay') === true,
      maxMessageSize: settings.maxMessageSize,
      ca: settings.ca,
      timeout: features.timeout ? readTimeout(read('timeout')) : undefined,
    };
  } catch (error) {
    return ErrMsg.unreadable(reading, error);
  }
}

/**
 * `header` [doc/lib]: a non-object is ignored; values are kept if strings, `String(n)` if numbers, else
 * `Object.prototype.toString` (`[object Boolean]`). A name or value HTTP does not allow fails the call. Returns the
 * headers as `[name, value]` pairs, which the settings turn into what is sent (`requestHeaders`), or the failure.
 */
function readHeaders(header: unknown): RequestHeader[] | string {
  if (!isPlainObject(header)) return [];
  const given = header as Record<string, unknown>;
  const headers: RequestHeader[] = [];
  for (const name of Object.keys(given)) {
    const raw = given[name];
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : objectTag(raw);
    if (!TOKEN.test(name)) return ErrMsg.invalidHeaderName(name);
    if (!FIELD_VALUE.test(value)) return ErrMsg.invalidHeaderValue(name);
    headers.push([name, value]);
  }
  return headers;
}

/**
 * `protocols` [doc]: an array of tokens. A string is split on commas and trimmed, as real clients pass `"mqtt"` or
 * `"a, b"` [ours]; empty pieces are dropped. Any other type is ignored. A piece that is not a token, or a duplicate,
 * fails the call (a WebSocket client would refuse to send it).
 */
function readProtocols(protocols: unknown): string[] | string {
  let list: unknown[];
  if (typeof protocols === 'string')
    list = protocols
      .split(',')
      .map((piece) => piece.trim())
      .filter(Boolean);
  else if (Array.isArray(protocols)) list = Array.from(protocols);
  else return [];
  const seen = new Set<string>();
  for (const [index, protocol] of list.entries()) {
    if (typeof protocol !== 'string') return ErrMsg.parameterError(`protocols[${index}]`, 'String', protocol);
    if (!TOKEN.test(protocol)) return ErrMsg.invalidProtocol(protocol);
    if (seen.has(protocol)) return ErrMsg.duplicateProtocol(protocol);
    seen.add(protocol);
  }
  return list as string[];
}

/** `timeout` [doc]: a number > 0 counts; anything else is ignored. */
function readTimeout(timeout: unknown): number | undefined {
  return typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
}
