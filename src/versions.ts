/**
 * Base library versions: the one table that says which socket feature arrived when, and `wx.canIUse` over it.
 * Source: the "最低版本 / 需要基础库" notes of the official docs and typings [doc], contract §4.
 */

/** The newest base library version wxsocket knows; the default `SDKVersion`. */
export const NEWEST_SDK_VERSION = '3.6.0';

/** The first base library version with each socket feature [doc]. */
export const FEATURE_SINCE = {
  /** `wx.canIUse` itself. */
  canIUse: '1.1.0',
  /** `connectSocket({protocols})`. */
  protocols: '1.4.0',
  /** `code` and `reason` of `closeSocket`/`SocketTask.close`. */
  closeCode: '1.4.0',
  /** `wx.connectSocket` returns a `SocketTask`, and several sockets may be open at once. */
  socketTask: '1.7.0',
  /** `header` in the open event. */
  openHeader: '2.0.0',
  /** `connectSocket({tcpNoDelay})`. */
  tcpNoDelay: '2.4.0',
  /** LAN IP addresses pass the domain check without being listed. */
  lanAddresses: '2.4.0',
  /** `connectSocket({perMessageDeflate})`. */
  perMessageDeflate: '2.8.0',
  /** `connectSocket({timeout})`. */
  timeout: '2.10.0',
  /** `wx.sendSocketMessage`/`wx.closeSocket` return a Promise when called without callbacks. */
  promise: '2.10.2',
  /** `profile` in `SocketTask.onOpen`. */
  openProfile: '2.10.4',
  /** `connectSocket({forceCellularNetwork})`. */
  forceCellularNetwork: '2.29.0',
} as const;

export type Feature = keyof typeof FEATURE_SINCE;

/** A base library version as three numbers. */
export type Version = readonly [major: number, minor: number, patch: number];

const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/;

/** Parses `'2.10.4'`; `undefined` for anything else. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION_PATTERN.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The features one emulated base library version has, computed once per `wx` object. */
export type FeatureSet = Readonly<Record<Feature, boolean>>;

export function featuresOf(version: Version): FeatureSet {
  const features = {} as Record<Feature, boolean>;
  for (const [feature, since] of Object.entries(FEATURE_SINCE) as [Feature, string][]) {
    features[feature] = compareVersions(version, parseVersion(since)!) >= 0;
  }
  return features;
}

/**
 * The socket schemas `wx.canIUse` answers for, each with the features it needs. WeChat's schema grammar is
 * `${API}.${method}.${param}.${option}` or `${class}.${method}.${param}.${option}` [doc: wx.canIUse].
 */
const SCHEMAS: ReadonlyMap<string, readonly Feature[]> = (() => {
  const table: Record<string, readonly Feature[]> = Object.create(null);
  table['canIUse'] = ['canIUse'];
  const connectOptions: Record<string, Feature[]> = {
    url: [], header: [], method: [], data: [], success: [], fail: [], complete: [],
    protocols: ['protocols'], tcpNoDelay: ['tcpNoDelay'], perMessageDeflate: ['perMessageDeflate'],
    timeout: ['timeout'], forceCellularNetwork: ['forceCellularNetwork'],
  };
  table['connectSocket'] = [];
  table['connectSocket.object'] = [];
  for (const [option, needs] of Object.entries(connectOptions)) table[`connectSocket.object.${option}`] = needs;
  table['connectSocket.return'] = ['socketTask'];

  const callbacks = ['success', 'fail', 'complete'];
  for (const api of ['sendSocketMessage', 'closeSocket']) {
    table[api] = [];
    table[`${api}.object`] = [];
    for (const option of callbacks) table[`${api}.object.${option}`] = [];
  }
  table['sendSocketMessage.object.data'] = [];
  table['closeSocket.object.code'] = ['closeCode'];
  table['closeSocket.object.reason'] = ['closeCode'];

  for (const event of ['onSocketOpen', 'onSocketMessage', 'onSocketError', 'onSocketClose']) {
    table[event] = [];
    table[`${event}.callback`] = [];
  }
  table['onSocketOpen.callback.header'] = ['openHeader'];
  table['onSocketMessage.callback.data'] = [];
  table['onSocketError.callback.errMsg'] = [];
  table['onSocketClose.callback.code'] = ['closeCode'];
  table['onSocketClose.callback.reason'] = ['closeCode'];

  const task: Feature[] = ['socketTask'];
  table['SocketTask'] = task;
  for (const method of ['send', 'close', 'onOpen', 'onMessage', 'onError', 'onClose']) {
    table[`SocketTask.${method}`] = task;
  }
  for (const option of ['data', ...callbacks]) table[`SocketTask.send.object.${option}`] = task;
  for (const option of callbacks) table[`SocketTask.close.object.${option}`] = task;
  table['SocketTask.close.object.code'] = task;
  table['SocketTask.close.object.reason'] = task;
  table['SocketTask.onOpen.callback.header'] = [...task, 'openHeader'];
  table['SocketTask.onOpen.callback.profile'] = [...task, 'openProfile'];
  table['SocketTask.onMessage.callback.data'] = task;
  table['SocketTask.onError.callback.errMsg'] = task;
  table['SocketTask.onClose.callback.code'] = task;
  table['SocketTask.onClose.callback.reason'] = task;
  return new Map(Object.entries(table));
})();

/**
 * `wx.canIUse(schema)` for the socket API: true when the emulated version has what `schema` names. A leading
 * `wx.` is accepted, as WeChat does. Schemas outside the socket API answer `false`: this object has nothing else.
 */
export function canIUse(schema: unknown, features: FeatureSet): boolean {
  // Below 1.1.0 `wx.canIUse` did not exist; ours stays callable and knows nothing [ours].
  if (typeof schema !== 'string' || !features.canIUse) return false;
  const needs = SCHEMAS.get(schema.startsWith('wx.') ? schema.slice(3) : schema);
  return needs !== undefined && needs.every((feature) => features[feature]);
}
