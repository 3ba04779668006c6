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

/** A `wx.canIUse` schema node: the feature it needs beyond its parent's (if any), and its children. */
interface SchemaNode {
  readonly needs?: Feature;
  readonly children?: Readonly<Record<string, SchemaNode>>;
}

const node = (needs?: Feature, children?: Record<string, SchemaNode>): SchemaNode => ({
  ...(needs && { needs }),
  ...(children && { children }),
});
const fields = (...names: string[]): Record<string, SchemaNode> => Object.fromEntries(names.map((name) => [name, node()]));
const object = (children: Record<string, SchemaNode>) => node(undefined, { object: node(undefined, children) });
const callback = (children: Record<string, SchemaNode>) => node(undefined, { callback: node(undefined, children) });
const callbacks = fields('success', 'fail', 'complete');
const closeFields = { code: node('closeCode'), reason: node('closeCode') };

/**
 * The socket schemas `wx.canIUse` answers for, as a tree. WeChat's schema grammar is
 * `${API}.${method}.${param}.${option}` or `${class}.${method}.${param}.${option}` [doc: wx.canIUse]; a node's
 * feature applies to everything below it (all of `SocketTask.*` needs 1.7.0).
 */
const SCHEMAS: Readonly<Record<string, SchemaNode>> = {
  canIUse: node('canIUse'),
  connectSocket: node(undefined, {
    object: node(undefined, {
      ...fields('url', 'header', 'method', 'data'),
      ...callbacks,
      protocols: node('protocols'),
      tcpNoDelay: node('tcpNoDelay'),
      perMessageDeflate: node('perMessageDeflate'),
      timeout: node('timeout'),
      forceCellularNetwork: node('forceCellularNetwork'),
    }),
    return: node('socketTask'),
  }),
  sendSocketMessage: object({ data: node(), ...callbacks }),
  closeSocket: object({ ...closeFields, ...callbacks }),
  onSocketOpen: callback({ header: node('openHeader') }),
  onSocketMessage: callback(fields('data')),
  onSocketError: callback(fields('errMsg')),
  onSocketClose: callback(closeFields),
  SocketTask: node('socketTask', {
    send: object({ data: node(), ...callbacks }),
    close: object({ ...closeFields, ...callbacks }),
    onOpen: callback({ header: node('openHeader'), profile: node('openProfile') }),
    onMessage: callback(fields('data')),
    onError: callback(fields('errMsg')),
    onClose: callback(closeFields),
  }),
};

/**
 * `wx.canIUse(schema)` for the socket API: true when the emulated version has what `schema` names. A leading
 * `wx.` is accepted, as WeChat does. Schemas outside the socket API answer `false`: this object has nothing else.
 */
export function canIUse(schema: unknown, features: FeatureSet): boolean {
  // Below 1.1.0 `wx.canIUse` did not exist; ours stays callable and knows nothing [ours].
  if (typeof schema !== 'string' || !features.canIUse) return false;
  let children: Readonly<Record<string, SchemaNode>> | undefined = SCHEMAS;
  for (const part of (schema.startsWith('wx.') ? schema.slice(3) : schema).split('.')) {
    const found: SchemaNode | undefined = children && Object.hasOwn(children, part) ? children[part] : undefined;
    if (!found || (found.needs && !features[found.needs])) return false;
    children = found.children;
  }
  return true;
}
