/**
 * Everything about `errMsg` (imported as `ErrMsg`): how result texts are built (`<api>:ok`, `<api>:fail <detail>`,
 * WeChat's parameter errors) and every detail wxsocket produces, in one catalogue. Texts are WeChat's own where
 * WeChat has one (the contract names the source of each); the rest are ours and documented in docs/decisions.md.
 */
import { describe, typeName } from './values.js';

// The API names that prefix `errMsg`: the task's `send`/`close` report under the global API's names, as WeChat's
// do [lib].
export const connectApi = 'connectSocket';
export const sendApi = 'sendSocketMessage';
export const closeApi = 'closeSocket';

/** `<api>:ok` [doc]. */
export const ok = (api: string): string => `${api}:ok`;

/** `<api>:fail <detail>`, one space [doc/lib]. */
export const fail = (api: string, detail: string): string => `${api}:fail ${detail}`;

/**
 * Whether a failure's detail is a parameter error (`<api>:fail parameter error: …`): WeChat's own type checks, and
 * ours that refuse a value of the caller's (a header, a subprotocol, `this` of a task method). The API name has no
 * colon, so the detail starts after the first `:fail `.
 */
export const isParameterError = (errMsg: string): boolean =>
  errMsg.startsWith('parameter error: ', errMsg.indexOf(':fail ') + 6);

/** WeChat's parameter type check [lib 2.30.3], e.g. `parameter.url should be String instead of Undefined;`. */
export const parameterError = (path: string, expected: string, value: unknown): string =>
  `parameter error: ${path} should be ${expected} instead of ${typeName(value)};`;

/** A value that could not even be read (a throwing getter or proxy trap) [ours]. */
export const unreadable = (path: string, error: unknown): string =>
  `parameter error: ${path} could not be read: ${describe(error)}`;

/** Quotes a user-supplied name for an error text, escaping control characters and keeping it short. */
export function quote(text: string, max = 64): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

// The catalogue of details.

/** [lib 2.30.3] */
export const invalidUrl = (url: string): string => `invalid url "${url}"`;
/** [lib] the base library's reason already starts with `fail `, hence the doubled word. */
export const tooManySockets = (max: number): string => `fail reach max websocket connect count ${max}`;
/** [ours] */
export const invalidHeaderName = (name: string): string => `parameter error: header ${quote(name)} has an invalid name`;
/** [ours] */
export const invalidHeaderValue = (name: string): string =>
  `parameter error: header ${quote(name)} has an invalid value`;
/** [ours] */
export const invalidProtocol = (protocol: string): string =>
  `parameter error: protocols has an invalid subprotocol ${quote(protocol)}`;
/** [ours] */
export const duplicateProtocol = (protocol: string): string =>
  `parameter error: protocols has a duplicate subprotocol ${quote(protocol)}`;
/** [lib: the native layer's reason] */
export const unknownData = 'unknown data';
/** [lib, android] also used by the global API on both profiles, and by `close` on a CLOSED task [ours]. */
export const notConnected = 'WebSocket is not connected';
/** [lib, ios] the full text of `SocketTask.send` on a task that is not OPEN. */
export const iosSendNotOpen = 'SocketTask.send:fail SocketTask.readyState is not OPEN';
/** [lib, Android native] */
export const invalidCloseCode = 'The code must be either 1000, or between 3000 and 4999';
/** [ours] */
export const reasonTooLong = 'reason is longer than 123 bytes';
/** [ours] a SocketTask method called with `this` not a task (`const send = task.send; send()`). */
export const detached = (method: string): string =>
  `parameter error: SocketTask.${method} called on an object that is not a SocketTask`;
/**
 * Why a handshake failed, as the core tells it: the transport's failure kinds, plus the core's own timeout. A kind
 * the core does not know (a custom transport's) is `transport`.
 */
export type OpenFailure = 'timeout' | 'dns' | 'tls' | 'transport' | 'handshake';

/** websocketpp's error codes and messages for each handshake failure [src], as WeChat's texts carry them. */
const OPEN_FAILURE_CODES: Readonly<Record<OpenFailure, readonly [code: number, message: string]>> = {
  timeout: [9, 'Timer Expired'],
  dns: [1, 'Host not found(authoritative)'],
  tls: [8, 'TLS handshake failed'],
  transport: [2, 'Underlying Transport Error'],
  handshake: [20, 'Invalid HTTP status.'],
};

/**
 * The `onError` text of a failed handshake (§2, §9.2). `binding`: android from base library 3.0.0 on, whose text is
 * the binding's `open fail: _code:<N>,_msg:<M>` and tells DNS (1) and TLS (8) failures apart; otherwise the text
 * Android clients reported before (used on both profiles), where DNS and TLS failures are `code:2`. A kind not in
 * the table (a custom transport's) reads as `transport`.
 */
export function openFailure(failure: string, binding: boolean): string {
  const known = Object.hasOwn(OPEN_FAILURE_CODES, failure) && (binding || (failure !== 'dns' && failure !== 'tls'));
  const [code, message] = OPEN_FAILURE_CODES[known ? (failure as OpenFailure) : 'transport'];
  return binding ? `open fail: _code:${code},_msg:${message}` : `exception onOpen fail code:${code}, msg:${message}`;
}
/** [lib] the domain check's texts, per profile. */
export const androidDomainRejected = 'fail:url not in domain list';
export const iosDomainRejected = 'createSocketTask:fail url not in domain list';
/** [src: SocketRocket] the reason of the close ios reports when the server ended the stream without a close frame. */
export const streamEndEncountered = 'Stream end encountered';
/**
 * [ours] the reason of a close code 1006 that had none; also the `onError` text of a connection that failed after
 * open for no reason the transport could name (a reset). The texts of protocol failures after open are in
 * `errmsg-after-open.ts`, which only the Node transport needs.
 */
export const abnormalClosure = 'abnormal closure';
/**
 * [ours, by analogy with the text reported for `wx.request` in the same state] a network call made while the app is
 * suspended (§8.1): the permission layer's refusal of the native call, here `createSocketTask`.
 */
export const suspended = (event: string): string =>
  `${event}:fail: jsapi has no permission, event=${event}, runningState=suspend, permissionMsg=permission ok, ` +
  'detail=network api interrupted in suspend state';
/** [src Android] `onError` of a socket the phone lost its network under (§8.3). */
export const networkDown = 'network is down';
/** [src Android, weak] the reason of the close frame a socket sends when the app is suspended (§8.1). */
export const suspendCloseReason = 'default_close';
/** [src Android; field] the reason `onClose` reports for a socket the suspension closed (§8.1). */
export const interrupted = 'interrupted';
