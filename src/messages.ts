/**
 * Every `errMsg` wxsocket produces, in one catalogue. Texts are WeChat's own where WeChat has one (the contract
 * names the source of each); the rest are ours and documented in docs/decisions.md.
 */

/** `Object.prototype.toString`'s name for a value's type, as WeChat's parameter checks print it: `Null`, `Array`… */
export function typeName(value: unknown): string {
  try {
    return Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    // A revoked proxy, or a Symbol.toStringTag getter that throws.
    return 'Object';
  }
}

/** `<api>:ok` [doc]. */
export const ok = (api: string): string => `${api}:ok`;

/** `<api>:fail <detail>`, one space [doc/lib]. */
export const fail = (api: string, detail: string): string => `${api}:fail ${detail}`;

/** WeChat's parameter type check [lib 2.30.3], e.g. `parameter.url should be String instead of Undefined;`. */
export const parameterError = (path: string, expected: string, value: unknown): string =>
  `parameter error: ${path} should be ${expected} instead of ${typeName(value)};`;

/** A value that could not even be read (a throwing getter or proxy trap) [ours]. */
export const unreadable = (path: string, error: unknown): string =>
  `parameter error: ${path} could not be read: ${describe(error)}`;

/** A short, safe description of a thrown value. */
export function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return typeName(error);
  }
}

/** Quotes a user-supplied name for an error text, escaping control characters and keeping it short. */
export function quote(text: string, max = 64): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export const Messages = {
  /** [lib 2.30.3] */
  invalidUrl: (url: string) => `invalid url "${url}"`,
  /** [lib] the base library's reason already starts with `fail `, hence the doubled word. */
  tooManySockets: (max: number) => `fail reach max websocket connect count ${max}`,
  /** [ours] */
  invalidHeaderName: (name: string) => `parameter error: header ${quote(name)} has an invalid name`,
  /** [ours] */
  invalidHeaderValue: (name: string) => `parameter error: header ${quote(name)} has an invalid value`,
  /** [ours] */
  invalidProtocol: (protocol: string) => `parameter error: protocols has an invalid subprotocol ${quote(protocol)}`,
  /** [ours] */
  duplicateProtocol: (protocol: string) => `parameter error: protocols has a duplicate subprotocol ${quote(protocol)}`,
  /** [lib: the native layer's reason] */
  unknownData: 'unknown data',
  /** [lib, android] also used by the global API on both profiles, and by `close` on a CLOSED task [ours]. */
  notConnected: 'WebSocket is not connected',
  /** [lib, ios] the full text of `SocketTask.send` on a task that is not OPEN. */
  iosSendNotOpen: 'SocketTask.send:fail SocketTask.readyState is not OPEN',
  /** [lib, Android native] */
  invalidCloseCode: 'The code must be either 1000, or between 3000 and 4999',
  /** [ours] */
  reasonTooLong: 'reason is longer than 123 bytes',
  /** [ours] a SocketTask method called with `this` not a task (`const send = task.send; send()`). */
  detached: (method: string) => `parameter error: SocketTask.${method} called on an object that is not a SocketTask`,
  /** Handshake failures, as Android clients report them in the wild; used on both profiles. */
  openTimeout: 'exception onOpen fail code:9, msg:Timer Expired',
  openTransportError: 'exception onOpen fail code:2, msg:Underlying Transport Error',
  openHttpError: 'exception onOpen fail code:20, msg:Invalid HTTP status.',
  /** [lib] the domain check's texts, per profile. */
  androidDomainRejected: 'fail:url not in domain list',
  iosDomainRejected: 'createSocketTask:fail url not in domain list',
  /** [ours] the reason of a close code 1006 that had none. */
  abnormalClosure: 'abnormal closure',
} as const;

/** The API names that prefix `errMsg`. */
export const Api = {
  connect: 'connectSocket',
  send: 'sendSocketMessage',
  close: 'closeSocket',
} as const;
