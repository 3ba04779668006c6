/**
 * Base library versions: the one table that says which socket feature arrived when, and `wx.canIUse` over it.
 * Source: the "最低版本 / 需要基础库" notes of the official docs and typings [doc], contract §4.
 */

/** The newest base library version wxsocket knows; the default `SDKVersion`. */
export const NEWEST_SDK_VERSION = '3.6.0';

/** The first base library version with each socket feature [doc]. */
const FEATURE_SINCE = {
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
  // Field conditions (§8). The "需要基础库" notes of each API's page and of the official typings.
  /** `wx.getNetworkType`: in the first public base library. */
  getNetworkType: '1.0.0',
  /** `wx.onNetworkStatusChange`. */
  onNetworkStatusChange: '1.1.0',
  /** `wx.onAppShow`, `wx.onAppHide`, `wx.offAppShow`, `wx.offAppHide`. */
  appEvents: '2.1.2',
  /** `wx.offNetworkStatusChange`. */
  offNetworkStatusChange: '2.9.3',
  /** `apiCategory` in the `onAppShow` result. */
  apiCategory: '2.20.0',
  /** `wx.onNetworkWeakChange`, `wx.offNetworkWeakChange`. */
  networkWeak: '2.21.0',
  /** `hasSystemProxy` in the `getNetworkType` result. */
  hasSystemProxy: '2.22.1',
  /** `weakNet` in the `getNetworkType` result. */
  weakNetField: '3.5.3',
  /** `reason` in the `onAppHide` result. */
  hideReason: '3.5.7',
  /**
   * Handshake failures on android read `open fail: _code:<N>,_msg:<M>` (§9.2). [field: seen with 3.4.9; the version
   * where the text changed is unknown, 3.0.0 is ours]
   */
  bindingOpenErrors: '3.0.0',
} as const;

type Feature = keyof typeof FEATURE_SINCE;

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

/** The features one emulated base library version has. */
export type FeatureSet = Readonly<Record<Feature, boolean>>;

/** Made once per set of features, frozen, and shared by the `wx` objects that have it: a copy each took 1.6 KB. */
const featureSets: Record<string, FeatureSet> = {};

export function featuresOf(version: Version): FeatureSet {
  const features = {} as Record<Feature, boolean>;
  for (const [feature, since] of Object.entries(FEATURE_SINCE) as [Feature, string][]) {
    features[feature] = compareVersions(version, parseVersion(since)!) >= 0;
  }
  return (featureSets[Object.values(features).join()] ??= Object.freeze(features));
}

/**
 * A `wx.canIUse` schema node. A leaf is the feature it needs, or `''` for none; an inner node maps the next part of
 * the schema to its child, and is a `[feature, children]` pair when it needs a feature itself. A node's feature
 * applies to everything below it (all of `SocketTask.*` needs 1.7.0).
 */
type SchemaNode = Feature | '' | SchemaChildren | readonly [Feature, SchemaChildren];
interface SchemaChildren {
  readonly [part: string]: SchemaNode;
}

const callbacks = { success: '', fail: '', complete: '' } as const;
const closeFields = { code: 'closeCode', reason: 'closeCode' } as const;
/** Shared by the global API and `SocketTask`: `send`/`sendSocketMessage`, `close`/`closeSocket`, `onMessage`, … */
const send = { object: { data: '', ...callbacks } } as const;
const close = { object: { ...closeFields, ...callbacks } } as const;
const onMessage = { callback: { data: '' } } as const;
const onError = { callback: { errMsg: '' } } as const;
const onClose = { callback: closeFields } as const;

/**
 * The schemas `wx.canIUse` answers for, as a tree. WeChat's schema grammar is
 * `${API}.${method}.${param}.${option}` or `${class}.${method}.${param}.${option}` [doc: wx.canIUse].
 */
const SCHEMAS: SchemaChildren = {
  canIUse: 'canIUse',
  connectSocket: {
    object: {
      url: '',
      header: '',
      method: '',
      data: '',
      ...callbacks,
      protocols: 'protocols',
      tcpNoDelay: 'tcpNoDelay',
      perMessageDeflate: 'perMessageDeflate',
      timeout: 'timeout',
      forceCellularNetwork: 'forceCellularNetwork',
    },
    return: 'socketTask',
  },
  sendSocketMessage: send,
  closeSocket: close,
  onSocketOpen: { callback: { header: 'openHeader' } },
  onSocketMessage: onMessage,
  onSocketError: onError,
  onSocketClose: onClose,
  getNetworkType: [
    'getNetworkType',
    {
      object: callbacks,
      success: { networkType: '', signalStrength: '', hasSystemProxy: 'hasSystemProxy', weakNet: 'weakNetField' },
    },
  ],
  onNetworkStatusChange: ['onNetworkStatusChange', { callback: { isConnected: '', networkType: '' } }],
  offNetworkStatusChange: 'offNetworkStatusChange',
  onNetworkWeakChange: ['networkWeak', { callback: { weakNet: '', networkType: '' } }],
  offNetworkWeakChange: 'networkWeak',
  onAppShow: [
    'appEvents',
    {
      callback: {
        path: '',
        scene: '',
        query: '',
        referrerInfo: '',
        apiCategory: 'apiCategory',
        forwardMaterials: '',
        hostExtraData: '',
      },
    },
  ],
  onAppHide: ['appEvents', { callback: { reason: 'hideReason' } }],
  offAppShow: 'appEvents',
  offAppHide: 'appEvents',
  SocketTask: [
    'socketTask',
    {
      send,
      close,
      onOpen: { callback: { header: 'openHeader', profile: 'openProfile' } },
      onMessage,
      onError,
      onClose,
    },
  ],
};

/**
 * `wx.canIUse(schema)` for the socket API and the field-condition APIs (§8): true when the emulated version has
 * what `schema` names. A leading `wx.` is accepted, as WeChat does. Other schemas answer `false`: this object has
 * nothing else.
 */
export function canIUse(schema: unknown, features: FeatureSet): boolean {
  // Below 1.1.0 `wx.canIUse` did not exist; ours stays callable and knows nothing [ours].
  if (typeof schema !== 'string' || !features.canIUse) return false;
  let node: SchemaNode = SCHEMAS;
  for (const part of schema.replace(/^wx\./, '').split('.')) {
    const children: SchemaNode = Array.isArray(node) ? node[1] : node;
    if (typeof children !== 'object' || !Object.hasOwn(children, part)) return false;
    node = (children as SchemaChildren)[part]!;
    const needs = typeof node === 'string' ? node : Array.isArray(node) ? node[0] : '';
    if (needs && !features[needs as Feature]) return false;
  }
  return true;
}
