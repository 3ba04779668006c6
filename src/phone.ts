/**
 * The control of the emulated phone (contract §8): what a test, the CLI or a load scenario does to the phone a `wx`
 * object runs on (hide and show the app, suspend it, change the network, weaken the link). WeChat's `wx` has no such
 * method, so it lives outside the `wx` object: `phoneOf(wx)`, and `installWx().phone`.
 *
 * Every change of state happens at once (a `connectSocket` right after `offline()` sees the phone offline); every
 * event it causes reaches the mini program on a later turn, as WeChat's events do (§0.1).
 */
import { AppLifecycle, DEFAULT_HIDE_REASON, type AppState } from './app-lifecycle.js';
import { WxPhoneError } from './errors.js';
import { BYTES_PER_SECOND, MILLISECONDS, checkObject, checkValue, mustBe, type Refuse } from './option-keys.js';
import { isPlainObject, typeName } from './values.js';
import {
  DEFAULT_SUSPEND_DELAY,
  DELAY_RULE,
  readLaunch,
  type FieldSettings,
  type LaunchOptions,
} from './field-options.js';
import { NETWORK_TYPES, NetworkStatus } from './network-status.js';
import type { LinkConditions } from './transport.js';
import type { NetworkType, Wx } from './types.js';

/** `phone.hide` options. */
export interface HideOptions {
  /** Milliseconds until the suspension; default the `createWx` option `suspendDelay` (5000). */
  suspendDelay?: number;
  /**
   * `onAppHide`'s `reason` (base library 3.5.7+): 0 left the app, 1 another mini program, 2 a native page, 3 other
   * (default).
   */
  reason?: 0 | 1 | 2 | 3;
}

/** A value per direction: `up` is from the phone to the server, `down` from the server to the phone. */
export interface PerDirection {
  up?: number;
  down?: number;
}

/** `phone.weaken` conditions. Numbers apply to both directions. */
export interface WeakLinkConditions {
  /** One-way latency added, in ms. Default 0. */
  latency?: number | PerDirection;
  /** Bandwidth, in bytes per second. Default: not limited. */
  bandwidth?: number | PerDirection;
  /** Extra latency, from 0 to this many ms, varying per chunk; bytes never overtake each other. Default 0. */
  jitter?: number | PerDirection;
}

/** A snapshot of the phone, as `phone.state` reads it. */
export interface PhoneState {
  readonly app: AppState;
  readonly networkType: NetworkType;
  readonly isConnected: boolean;
  readonly weakNet: boolean;
  /** The weak link's conditions, or `undefined`. */
  readonly link: LinkConditions | undefined;
}

/** The emulated phone of one `wx` object. */
export class Phone {
  readonly #lifecycle: AppLifecycle;
  readonly #network: NetworkStatus;
  readonly #defaults: FieldSettings;

  /** @internal Phones are made with their `wx` object; reach one with `phoneOf(wx)`. */
  constructor(lifecycle: AppLifecycle, network: NetworkStatus, defaults: FieldSettings) {
    this.#lifecycle = lifecycle;
    this.#network = network;
    this.#defaults = defaults;
    // From now on new connections go through the phone's link, so that `weaken` can shape them. A `wx` whose phone
    // is never asked for hands its transport no link at all: no cost (benchmarks run so).
    network.startShaping();
  }

  get state(): PhoneState {
    const network = this.#network;
    return Object.freeze({
      app: this.#lifecycle.state,
      networkType: network.type,
      isConnected: network.isConnected,
      weakNet: network.conditions !== undefined,
      link: network.conditions,
    });
  }

  /**
   * The user leaves the app: `onAppHide`, then the suspension after the delay unless a background mode
   * (`requiredBackgroundModes`) keeps it running. Sockets stay open until then. No effect unless in the foreground.
   */
  hide(options?: HideOptions): void {
    const refuse = refuser('hide');
    const { suspendDelay = this.#defaults.suspendDelay ?? DEFAULT_SUSPEND_DELAY, reason = DEFAULT_HIDE_REASON } = (
      options === undefined ? {} : checkObject(options, '', ['suspendDelay', 'reason'], refuse)
    ) as HideOptions;
    const delay = checkValue('suspendDelay', suspendDelay, DELAY_RULE, refuse);
    if (![0, 1, 2, 3].includes(reason)) refuse('reason', mustBe('reason', '0, 1, 2 or 3', reason));
    this.#lifecycle.hide(reason, delay);
  }

  /**
   * The user comes back: `onAppShow` (with the `createWx` launch, or these fields over it), then what was held
   * while suspended: each socket the suspension closed gets `onClose` `{1000, "interrupted"}`. No effect in the
   * foreground.
   */
  show(launch?: LaunchOptions): void {
    const { launch: base } = this.#defaults;
    this.#lifecycle.show(launch === undefined ? base : readLaunch(launch, base, refuser('show')));
  }

  /** The app is suspended now, whatever its background modes (hidden first when in the foreground). */
  suspend(): void {
    this.#lifecycle.suspend();
  }

  /** The phone changes network; leaving a network kills every connection (§8.3). `none` is `offline()`. */
  setNetworkType(type: NetworkType): void {
    this.#network.setType(checkType('setNetworkType', type, NETWORK_TYPES));
  }

  /** The phone loses its network: `onNetworkStatusChange`, then every socket fails with `network is down`. */
  offline(): void {
    this.#network.setType('none');
  }

  /** The phone gets a network again: `type`, or the one it had before going offline. */
  online(type?: Exclude<NetworkType, 'none'>): void {
    const network = this.#network;
    const online = NETWORK_TYPES.filter((known) => known !== 'none');
    network.setType(
      type === undefined
        ? network.isConnected
          ? network.type
          : network.lastOnline
        : checkType('online', type, online),
    );
  }

  /**
   * The link becomes weak: latency, bandwidth and jitter apply to the bytes of every connection opened since this
   * phone was first taken with `phoneOf` (§8.3), open ones included; one opened before that goes through no link.
   */
  weaken(conditions: WeakLinkConditions): void {
    this.#network.weaken(readConditions(conditions));
  }
  /** The link is strong again. */
  strengthen(): void {
    this.#network.strengthen();
  }
}

/** What each `wx` object runs on: its program, whose phone is made at the first `phoneOf`. */
const phones = new WeakMap<object, { readonly phone: Phone }>();

/** @internal Ties a `wx` object to its program (done by `createWx`). */
export function registerPhone(wx: Wx, program: { readonly phone: Phone }): void {
  phones.set(wx, program);
}

/**
 * The emulated phone a `wx` object runs on (contract §8). Throws a `WxPhoneError` for anything that is not a `wx`
 * made by `createWx` or `installWx`. Take it before connecting: only connections opened after the first call go
 * through the phone's link, so only they feel `weaken()` (a `wx` never asked for its phone pays nothing for it).
 */
export function phoneOf(wx: Wx): Phone {
  const program = phones.get(wx); // `undefined` for a primitive too: a WeakMap never holds one
  if (!program)
    throw new WxPhoneError('phoneOf', `expects a wx object made by createWx or installWx, not ${typeName(wx)}`);
  return program.phone;
}

/** Throws the `WxPhoneError` of `phone.<method>`. */
function refuser(method: string): Refuse {
  return (_option, message) => {
    throw new WxPhoneError(`phone.${method}`, message);
  };
}

function checkType(method: string, type: NetworkType, known: readonly NetworkType[]): NetworkType {
  if (!known.includes(type)) refuser(method)('type', mustBe('type', `one of ${known.join(', ')}`, type));
  return type;
}

/**
 * Checks `weaken`'s conditions, each a number for both directions or `{up, down}`, and resolves them per direction,
 * as the transport reads them: latency and jitter 0 where not given, the bandwidth then not limited.
 */
function readConditions(conditions: unknown): LinkConditions {
  const refuse = refuser('weaken');
  const given = checkObject(conditions, '', ['latency', 'bandwidth', 'jitter'], refuse);
  const link: Record<'up' | 'down', Record<string, number>> = {
    up: { latency: 0, jitter: 0 },
    down: { latency: 0, jitter: 0 },
  };
  for (const [name, value] of Object.entries(given)) {
    const [valid, allowed] = name === 'bandwidth' ? BYTES_PER_SECOND : MILLISECONDS;
    const sides = isPlainObject(value) ? (checkObject(value, name, ['up', 'down'], refuse) as PerDirection) : undefined;
    for (const side of ['up', 'down'] as const) {
      const entry = sides ? sides[side] : value;
      if (sides) checkValue(`${name}.${side}`, entry, [valid, allowed], refuse);
      else checkValue(name, entry, [valid, `${allowed} or {up, down}`], refuse);
      if (entry !== undefined) link[side][name] = entry as number;
    }
  }
  return Object.freeze({ up: Object.freeze(link.up), down: Object.freeze(link.down) });
}
