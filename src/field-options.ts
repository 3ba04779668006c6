/**
 * The `createWx` options of the field conditions (contract §8.1): the emulated launch, which `onAppShow` reports,
 * app.json's `requiredBackgroundModes`, and how long after hiding the app is suspended.
 */
import { WxOptionsError } from './errors.js';
import { closest, firstUnknownKey } from './option-keys.js';
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
  readonly backgroundModes: readonly BackgroundMode[];
  /** Milliseconds from hide to suspension; `Infinity`: never on its own. */
  readonly suspendDelay: number;
  /** Whether the delay was configured: a page going hidden in a browser suspends the app only then (§8.4). */
  readonly suspendDelayGiven: boolean;
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

export interface FieldOptions {
  launch?: LaunchOptions;
  requiredBackgroundModes?: readonly BackgroundMode[];
  suspendDelay?: number;
  pageEvents?: boolean;
}

/**
 * Checks a launch description (`createWx({launch})`, `phone.show(launch)`), reporting problems through `invalid`
 * (which throws); returns it merged over `base`.
 */
export function readLaunch(
  value: unknown,
  base: Readonly<Required<LaunchOptions>>,
  invalid: (key: string, problem: string) => never,
): Readonly<Required<LaunchOptions>> {
  if (!isPlainObject(value)) return invalid('', 'must be an object such as {path, scene, query}');
  const launch = value as Record<string, unknown>;
  const unknown = firstUnknownKey(launch, LAUNCH_KEYS);
  if (unknown !== undefined) {
    const near = closest(unknown, LAUNCH_KEYS);
    invalid(
      unknown,
      `is not a launch field (${near === undefined ? LAUNCH_KEYS.join(', ') : `did you mean "${near}"?`})`,
    );
  }
  const { path = base.path, scene = base.scene, query = base.query, referrerInfo = base.referrerInfo } = launch;
  if (typeof path !== 'string') invalid('path', 'must be a string');
  if (!Number.isInteger(scene) || (scene as number) < 0) invalid('scene', 'must be a whole number ≥ 0');
  if (!isPlainObject(query) || Object.values(query).some((entry) => typeof entry !== 'string'))
    invalid('query', 'must be an object of strings');
  if (!isPlainObject(referrerInfo)) invalid('referrerInfo', 'must be an object');
  return Object.freeze({
    path: path as string,
    scene: scene as number,
    query: Object.freeze({ ...(query as Record<string, string>) }),
    referrerInfo: Object.freeze({ ...(referrerInfo as object) }),
  });
}

/** Resolves the field-condition options of `createWx`; bad ones throw a `WxOptionsError` naming the option. */
export function resolveFieldOptions(options: FieldOptions): FieldSettings {
  const { launch, requiredBackgroundModes, suspendDelay, pageEvents } = options;
  const invalid = (option: string, problem: string): never => {
    throw new WxOptionsError(option, `${option} ${problem}`);
  };
  const resolvedLaunch =
    launch === undefined
      ? DEFAULT_LAUNCH
      : readLaunch(launch, DEFAULT_LAUNCH, (key, problem) => invalid(key ? `launch.${key}` : 'launch', problem));
  if (
    requiredBackgroundModes !== undefined &&
    !(
      Array.isArray(requiredBackgroundModes) && requiredBackgroundModes.every((mode) => BACKGROUND_MODES.includes(mode))
    )
  ) {
    invalid('requiredBackgroundModes', "must be an array of 'audio' and 'location'");
  }
  return {
    launch: resolvedLaunch,
    backgroundModes: Object.freeze([...(requiredBackgroundModes ?? [])]),
    suspendDelay: suspendDelay === undefined ? DEFAULT_SUSPEND_DELAY : checkDelay(suspendDelay, invalid),
    suspendDelayGiven: suspendDelay !== undefined,
    pageEvents:
      pageEvents === undefined
        ? true
        : typeof pageEvents === 'boolean'
          ? pageEvents
          : invalid('pageEvents', 'must be a boolean'),
  };
}

/** A delay in milliseconds: ≥ 0 and at most what `setTimeout` honours, or `Infinity` for never. */
export function checkDelay(value: unknown, invalid: (option: string, problem: string) => never): number {
  if (typeof value !== 'number' || !(value >= 0) || (value > 2 ** 31 - 1 && value !== Infinity))
    return invalid('suspendDelay', 'must be a number of milliseconds from 0 to 2147483647, or Infinity');
  return value;
}
