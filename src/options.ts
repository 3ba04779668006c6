/**
 * `createWx` options: the emulated platform, base library and app configuration, checked once and resolved into
 * the settings every `wx` object runs on. Bad options throw a `WxOptionsError` naming the option.
 */
import { createDomainPolicy, type DomainPolicy } from './domain-policy.js';
import { WxOptionsError } from './errors.js';
import { checkObject, checkValue, isPositive, type Refuse, type Rule } from './option-keys.js';
import {
  FIELD_RULES,
  resolveFieldOptions,
  type BackgroundMode,
  type FieldSettings,
  type LaunchOptions,
} from './field-options.js';
import { PROFILES, type PlatformProfile } from './profiles.js';
import { consoleReporter, type ErrorReporter } from './report.js';
import type { Transport } from './transport.js';
import { isPlainObject } from './values.js';
import { NEWEST_SDK_VERSION, featuresOf, parseVersion, type FeatureSet } from './versions.js';

/** A PEM certificate (string or bytes). */
export type CertificateAuthority = string | Uint8Array;

/** Options of `createWx` (README's "Use"; the rules they set are in docs/platform-rules.md). */
export interface WxOptions {
  /** Which of WeChat's two socket implementations to emulate. Default `'android'`. */
  platform?: 'android' | 'ios';
  /** The emulated base library version, e.g. `'2.9.0'`. Default: the newest wxsocket knows. */
  SDKVersion?: string;
  /** The legal socket domains (`'chat.example.com'` or `'wss://chat.example.com'`). */
  domains?: readonly string[];
  /** Whether URLs are checked against `domains`. Default: `true` when `domains` is given, else `false`. */
  urlCheck?: boolean;
  /**
   * app.json's `networkTimeout`: `connectSocket` is the default handshake timeout in ms. Its other fields (`request`,
   * `uploadFile`, `downloadFile`) are accepted, so app.json's object can be passed as it is, and ignored.
   */
  networkTimeout?: { connectSocket?: number; request?: number; uploadFile?: number; downloadFile?: number };
  /** The most sockets not yet CLOSED at once. Default 5 (1 below base library 1.7.0). */
  maxConnections?: number;
  /** The app's id, for the `Referer` WeChat sends. Default `'touristappid'`. */
  appId?: string;
  /** The app's version, for the `Referer`: `'devtools'` (default), `'0'` for dev/trial builds, or a release. */
  appVersion?: string;
  /** Extra trust: certificate authorities added to the system ones (e.g. a test CA). */
  tls?: { ca?: CertificateAuthority | readonly CertificateAuthority[] };
  /** The transport that opens connections. Default: `ws` on Node, the native `WebSocket` in browsers. */
  transport?: Transport;
  /** The largest incoming message accepted, in bytes. Default 32 MiB [ours]. */
  maxMessageSize?: number;
  /**
   * Receives errors thrown by callbacks and listeners, and unhandled rejections of returned Promises. Default:
   * printed on the console as WeChat's `thirdScriptError`. [ours: an extension]
   */
  reportError?: ErrorReporter;
  /**
   * The emulated launch: what `wx.onAppShow` reports (`path`, `scene`, `query`, `referrerInfo`). Default: the main
   * page `'pages/index/index'`, scene 1001, no query (§8.1).
   */
  launch?: LaunchOptions;
  /**
   * app.json's `requiredBackgroundModes`: with `'audio'` or `'location'` the app is not suspended in the background
   * and its sockets survive (§8.1).
   */
  requiredBackgroundModes?: readonly BackgroundMode[];
  /**
   * Milliseconds from `phone.hide()` to the suspension; `Infinity` for never (until `phone.suspend()`). Default 5000,
   * as on WeChat (§8.1). In a browser, a page going hidden suspends the app only when this is set (§8.4).
   */
  suspendDelay?: number;
  /**
   * In a browser: whether page visibility drives `onAppHide`/`onAppShow`, and the `online`/`offline` events and
   * `navigator.connection` the network status (§8.4). Default `true`; nothing to follow on Node.
   */
  pageEvents?: boolean;
}

/** A header of `connectSocket({header})`, its value made a string. */
export type RequestHeader = readonly [name: string, value: string];

/** Everything one `wx` object runs on. */
export interface Settings {
  readonly profile: PlatformProfile;
  readonly features: FeatureSet;
  /** The domain check, or `undefined` when URLs are not checked. */
  readonly domainPolicy: DomainPolicy | undefined;
  readonly defaultTimeout: number;
  readonly maxConnections: number;
  /**
   * The headers a request sends, from the caller's (checked by `connectSocket`, §1): on Node, those less the ones
   * the client sets itself, with WeChat's own `Referer` and `User-Agent` [doc/lib] (handshake-options.ts); none in
   * the browser entry, whose `WebSocket` sends the browser's own.
   */
  readonly requestHeaders: (given: readonly RequestHeader[]) => Readonly<Record<string, string>>;
  /** `tls.ca`; empty in the browser entry, where the browser's trust store decides. */
  readonly ca: readonly CertificateAuthority[];
  readonly transport: Transport;
  readonly maxMessageSize: number;
  readonly report: ErrorReporter;
  /** The field conditions (§8): launch, background modes, suspension delay. */
  readonly field: FieldSettings;
}

/** WeChat's default handshake timeout when app.json sets none [doc]. */
export const DEFAULT_TIMEOUT = 60_000;
/** [ours] large enough for any real message, small enough that a hostile server cannot exhaust memory. */
export const DEFAULT_MAX_MESSAGE_SIZE = 32 * 1024 * 1024;

/** Throws the `WxOptionsError` of an option; `''` is the options themselves. */
export const refuse: Refuse = (option, message) => {
  throw new WxOptionsError(option || '(options)', message);
};

const isFunction = (value: unknown): boolean => typeof value === 'function';
const POSITIVE: Rule = [isPositive, 'a positive number'];
const APP_FIELD: Rule = [
  (value) => typeof value === 'string' && /^[\w.-]{1,128}$/.test(value),
  '1 to 128 letters, digits, ".", "_" or "-"',
];

/**
 * What each `createWx` option may be, checked when given: a key missing here or unknown there does not compile. The
 * objects (`networkTimeout`, `tls`, `launch`) are read further by their own functions.
 */
const RULES: { readonly [option in keyof WxOptions]-?: Rule } = {
  platform: [(value) => value === 'android' || value === 'ios', "'android' or 'ios'"],
  SDKVersion: [(value) => typeof value === 'string' && !!parseVersion(value), "a version such as '2.10.4'"],
  domains: [Array.isArray, 'an array of domains'],
  urlCheck: [(value) => typeof value === 'boolean', 'a boolean'],
  networkTimeout: [isPlainObject, 'an object'],
  maxConnections: [
    (value) => value === Infinity || (Number.isInteger(value) && (value as number) >= 1),
    'a whole number ≥ 1, or Infinity',
  ],
  appId: APP_FIELD,
  appVersion: APP_FIELD,
  // Its `ca` is read by the Node entry only (handshake-options.ts): a browser's trust store is its own.
  tls: [isPlainObject, 'an object'],
  transport: [isFunction, 'a function'],
  maxMessageSize: POSITIVE,
  reportError: [isFunction, 'a function'],
  launch: [isPlainObject, 'an object'],
  ...FIELD_RULES,
};

/**
 * What the Node entry adds to the settings (handshake-options.ts): the request headers and the extra trust. A
 * browser's `WebSocket` can neither send headers nor take a CA, so the browser entry makes neither.
 */
export type HandshakeOptions = (
  options: WxOptions,
  profile: PlatformProfile,
) => Pick<Settings, 'requestHeaders' | 'ca'>;

/** Shared by every `wx` object of the browser entry; frozen, as transports only read them. */
const NO_HEADERS = Object.freeze({});
const NO_HANDSHAKE_OPTIONS = { requestHeaders: () => NO_HEADERS, ca: Object.freeze([]) };

const OPTION_KEYS = Object.keys(RULES);

export function resolveOptions(
  given: WxOptions = {},
  defaultTransport: Transport,
  handshake?: HandshakeOptions,
): Settings {
  checkObject(given, '', OPTION_KEYS, refuse);
  // Each option is read once (a getter may answer differently each time), then checked. `null` is the default for
  // the four options that have a plain one.
  const options: WxOptions = {};
  for (const key of OPTION_KEYS) (options as Record<string, unknown>)[key] = given[key as keyof WxOptions];
  const platform = (options.platform ??= 'android');
  const SDKVersion = (options.SDKVersion ??= NEWEST_SDK_VERSION);
  options.appId ??= 'touristappid';
  options.appVersion ??= 'devtools';
  for (const [option, rule] of Object.entries(RULES))
    checkValue(option, options[option as keyof WxOptions], rule, refuse);

  const profile = PROFILES[platform];
  const features = featuresOf(parseVersion(SDKVersion)!);
  return {
    profile,
    features,
    domainPolicy: resolveDomainPolicy(options, features.lanAddresses),
    defaultTimeout: resolveDefaultTimeout(options.networkTimeout),
    maxConnections: options.maxConnections ?? (features.socketTask ? 5 : 1), // §6
    ...(handshake?.(options, profile) ?? NO_HANDSHAKE_OPTIONS),
    transport: options.transport ?? defaultTransport,
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    report: options.reportError ?? consoleReporter,
    field: resolveFieldOptions(options, refuse),
  };
}

function resolveDomainPolicy(options: WxOptions, allowLan: boolean): DomainPolicy | undefined {
  const { domains, urlCheck } = options;
  // Checking defaults to on exactly when domains are configured (contract §5).
  if (!(urlCheck ?? domains !== undefined)) return undefined;
  const policy = createDomainPolicy(domains ?? [], { allowLan });
  if (typeof policy === 'string') return refuse('domains', policy);
  return policy;
}

function resolveDefaultTimeout(networkTimeout: WxOptions['networkTimeout']): number {
  if (networkTimeout === undefined) return DEFAULT_TIMEOUT;
  checkObject(networkTimeout, 'networkTimeout', ['connectSocket', 'request', 'uploadFile', 'downloadFile'], refuse);
  return checkValue('networkTimeout.connectSocket', networkTimeout.connectSocket, POSITIVE, refuse) ?? DEFAULT_TIMEOUT;
}
