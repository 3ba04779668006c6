/**
 * The `createWx` options of the field conditions (contract §8.1): the emulated launch, which `onAppShow` reports,
 * app.json's `requiredBackgroundModes`, and how long after hiding the app is suspended.
 */
import { MILLISECONDS, checkObject, checkValue, isMilliseconds, type Refuse, type Rule } from './option-keys.js';
import { isPlainObject } from './values.js';

/** How the mini program was launched: what `onAppShow` reports [doc: App.onShow]. */
export interface LaunchOptions {
  /** The page path. Default `'pages/index/index'`. */
  path?: string;
  /** The scene value. Default 1001, WeChat's main entry (the mini program list) [doc: scene values]. */
  scene?: number;
  /** The launch query. Default `{}`. */
  query?: Record<string, string>;
  /** Where the user came from (another mini program, an official account, an app). Default `{}`. */
  referrerInfo?: { appId?: string; extraData?: Record<string, unknown> };
}

/** app.json's `requiredBackgroundModes` values that keep a mini program running in the background [doc]. */
export type BackgroundMode = 'audio' | 'location';
const BACKGROUND_MODES: readonly string[] = ['audio', 'location'] satisfies BackgroundMode[];

/** The field-condition settings of one `wx` object, resolved. */
export interface FieldSettings {
  readonly launch: Readonly<Required<LaunchOptions>>;
  /** Whether a background mode (`requiredBackgroundModes`) keeps the app running while hidden. */
  readonly runsInBackground: boolean;
  /**
   * Milliseconds from hide to suspension, `Infinity` for never on its own; `undefined` when not configured: the
   * phone's `hide` then waits `DEFAULT_SUSPEND_DELAY`, and a page going hidden in a browser does not suspend (§8.4).
   */
  readonly suspendDelay: number | undefined;
  /** Whether, in a browser, the page drives the app lifecycle and the network status (§8.4). */
  readonly pageEvents: boolean;
}

/** WeChat suspends a mini program 5 s after it goes to the background ("目前是 5 秒") [doc]. */
export const DEFAULT_SUSPEND_DELAY = 5000;

const DEFAULT_LAUNCH: Readonly<Required<LaunchOptions>> = Object.freeze({
  path: 'pages/index/index',
  scene: 1001,
  query: Object.freeze({}) as Record<string, string>,
  referrerInfo: Object.freeze({}),
});

const LAUNCH_KEYS = Object.keys(DEFAULT_LAUNCH);

/** What each launch field may be, checked when given. */
const LAUNCH_RULES: Record<keyof LaunchOptions, Rule> = {
  path: [(value) => typeof value === 'string', 'a string'],
  scene: [(value) => Number.isInteger(value) && (value as number) >= 0, 'a whole number ≥ 0'],
  query: [
    (value) => isPlainObject(value) && Object.values(value).every((entry) => typeof entry === 'string'),
    'an object of strings',
  ],
  referrerInfo: [isPlainObject, 'an object'],
};

interface FieldOptions {
  launch?: LaunchOptions;
  requiredBackgroundModes?: readonly BackgroundMode[];
  suspendDelay?: number;
  pageEvents?: boolean;
}

/**
 * Checks a launch description (`createWx({launch})`, `phone.show(launch)`), refusing a bad one through `refuse`;
 * returns it merged over `base`.
 */
export function readLaunch(
  value: unknown,
  base: Readonly<Required<LaunchOptions>>,
  refuse: Refuse,
): Readonly<Required<LaunchOptions>> {
  const launch = checkObject(value, 'launch', LAUNCH_KEYS, refuse) as Record<string, unknown>;
  for (const [key, rule] of Object.entries(LAUNCH_RULES)) checkValue(`launch.${key}`, launch[key], rule, refuse);
  const { path = base.path, scene = base.scene, query = base.query, referrerInfo = base.referrerInfo } = launch;
  return Object.freeze({
    path: path as string,
    scene: scene as number,
    query: Object.freeze({ ...(query as Record<string, string>) }),
    referrerInfo: Object.freeze({ ...(referrerInfo as object) }),
  });
}

/** `suspendDelay`: ≥ 0 and at most what `setTimeout` honours, or `Infinity` for never. */
export const DELAY_RULE: Rule = [
  (value) => value === Infinity || isMilliseconds(value),
  `${MILLISECONDS[1]}, or Infinity`,
];

/** What the field-condition options of `createWx` may be, besides `launch` (`readLaunch`). */
export const FIELD_RULES = {
  requiredBackgroundModes: [
    (value) => Array.isArray(value) && value.every((mode) => BACKGROUND_MODES.includes(mode)),
    "an array of 'audio' and 'location'",
  ],
  suspendDelay: DELAY_RULE,
  pageEvents: [(value) => typeof value === 'boolean', 'a boolean'],
} as const satisfies Record<string, Rule>;

/** The settings of every `wx` object that sets none of the field options, as most do. */
const DEFAULT_FIELD_SETTINGS: FieldSettings = {
  launch: DEFAULT_LAUNCH,
  runsInBackground: false,
  suspendDelay: undefined,
  pageEvents: true,
};

/** Resolves the field-condition options of `createWx`, already checked against `FIELD_RULES`. */
export function resolveFieldOptions(options: FieldOptions, refuse: Refuse): FieldSettings {
  const { launch, requiredBackgroundModes, suspendDelay, pageEvents } = options;
  // Each is `undefined` or valid by now (`null` was refused).
  if ((launch ?? requiredBackgroundModes ?? suspendDelay ?? pageEvents) === undefined) return DEFAULT_FIELD_SETTINGS;
  return {
    launch: launch === undefined ? DEFAULT_LAUNCH : readLaunch(launch, DEFAULT_LAUNCH, refuse),
    runsInBackground: !!requiredBackgroundModes?.length,
    suspendDelay,
    pageEvents: pageEvents ?? true,
  };
}
