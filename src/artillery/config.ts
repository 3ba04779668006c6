/**
 * `config.engines.wxsocket`: what every virtual mini program of a test runs on. Checked once, when Artillery creates
 * the engine, so that a bad script fails before the first virtual user with an error naming the setting.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_TIMER_DELAY } from '../option-keys.js';
import { systemReason } from '../values.js';
import { featuresOf, parseVersion } from '../versions.js';
import { parseDuration } from './duration.js';
import { EngineConfigError } from './errors.js';
import { isRecord } from './record.js';

export type Platform = 'android' | 'ios';

/** `config.engines.wxsocket` as written in the script. */
export interface EngineConfig {
  /** `'android'` (default), `'ios'`, or weights picked per virtual user, e.g. `{android: 70, ios: 30}`. */
  platform?: Platform | Partial<Record<Platform, number>>;
  /** The base library version every virtual user emulates. Default: the newest wxsocket knows. */
  SDKVersion?: string;
  /** The app's id, for the `Referer` WeChat sends. Default `'touristappid'`. */
  appid?: string;
  /** The app's version, for the `Referer`. Default `'devtools'`. */
  appVersion?: string;
  /**
   * How long any wait may last: the handshake (app.json's `networkTimeout.connectSocket`), `expect`, `close`,
   * `reconnect`. Seconds, or a string with a unit (`'500ms'`). Default 10 s. A step may set its own.
   */
  timeout?: number | string;
  /** The most sockets a virtual user may have not yet closed (WeChat's limit, contract §6). Default 5. */
  maxConnections?: number;
  /** Extra certificate authorities: PEM text, or paths of PEM files relative to the script. */
  tls?: { ca?: string | readonly string[] };
  /** The most messages a socket keeps unread before it drops the oldest (`wx.inbox_dropped`). Default 1000. */
  inboxLimit?: number;
}

/** The checked configuration. */
export interface EngineSettings {
  /** Returns the platform of a new virtual user. */
  readonly pickPlatform: () => Platform;
  readonly SDKVersion: string | undefined;
  readonly appId: string | undefined;
  readonly appVersion: string | undefined;
  /** Milliseconds. */
  readonly timeout: number;
  readonly maxConnections: number | undefined;
  readonly ca: readonly string[];
  readonly inboxLimit: number;
}

export const DEFAULT_TIMEOUT = 10_000;
export const DEFAULT_INBOX_LIMIT = 1000;

const PATH = 'config.engines.wxsocket';
const KNOWN = ['platform', 'SDKVersion', 'appid', 'appVersion', 'timeout', 'maxConnections', 'tls', 'inboxLimit'];

/**
 * Checks `config.engines.wxsocket` (`undefined`, `null` or `{}` for the defaults). `scriptPath` is where relative CA
 * paths start from; `random` picks platforms by weight.
 */
export function resolveEngineConfig(
  value: unknown,
  scriptPath: string | undefined,
  random: () => number = Math.random,
): EngineSettings {
  const config = value ?? {};
  if (!isRecord(config)) throw new EngineConfigError(PATH, 'must be an object of settings');
  for (const key of Object.keys(config)) {
    if (!KNOWN.includes(key))
      throw new EngineConfigError(`${PATH}.${key}`, `is not a setting (known: ${KNOWN.join(', ')})`);
  }
  const { SDKVersion, appid, appVersion, maxConnections, inboxLimit } = config as EngineConfig;
  if (SDKVersion !== undefined) {
    const version = typeof SDKVersion === 'string' ? parseVersion(SDKVersion) : undefined;
    if (!version) throw new EngineConfigError(`${PATH}.SDKVersion`, "must be a base library version such as '3.6.0'");
    // Steps drive SocketTasks, which base library 1.7.0 introduced (contract §4 has the global-API-only era).
    if (!featuresOf(version).socketTask)
      throw new EngineConfigError(`${PATH}.SDKVersion`, `must be 1.7.0 or later (SocketTask), not ${SDKVersion}`);
  }
  for (const [name, field] of [
    ['appid', appid],
    ['appVersion', appVersion],
  ] as const) {
    if (field !== undefined && (typeof field !== 'string' || !/^[\w.-]{1,128}$/.test(field)))
      throw new EngineConfigError(`${PATH}.${name}`, 'must be 1 to 128 letters, digits, ".", "_" or "-"');
  }
  if (maxConnections !== undefined && !(Number.isInteger(maxConnections) && maxConnections >= 1))
    throw new EngineConfigError(`${PATH}.maxConnections`, 'must be a whole number ≥ 1');
  if (inboxLimit !== undefined && !(Number.isInteger(inboxLimit) && inboxLimit >= 1))
    throw new EngineConfigError(`${PATH}.inboxLimit`, 'must be a whole number ≥ 1');
  const timeout = config.timeout === undefined ? DEFAULT_TIMEOUT : parseDuration(config.timeout);
  if (timeout === undefined || timeout <= 0)
    throw new EngineConfigError(
      `${PATH}.timeout`,
      `must be a positive duration up to ${MAX_TIMER_DELAY} ms: seconds, or a string such as '500ms'`,
    );
  return {
    pickPlatform: platformPicker(config.platform, random),
    SDKVersion,
    appId: appid,
    appVersion,
    timeout,
    maxConnections,
    // Frozen: every virtual user's `wx` then shares this list, and the TLS context made for it.
    ca: Object.freeze(readCertificates(config.tls, scriptPath)),
    inboxLimit: inboxLimit ?? DEFAULT_INBOX_LIMIT,
  };
}

function platformPicker(value: unknown, random: () => number): () => Platform {
  if (value === undefined) return () => 'android';
  if (value === 'android' || value === 'ios') return () => value;
  const problem = "must be 'android', 'ios' or weights such as {android: 70, ios: 30}";
  if (!isRecord(value)) throw new EngineConfigError(`${PATH}.platform`, problem);
  const weights: Array<[Platform, number]> = [];
  for (const [name, weight] of Object.entries(value)) {
    if (name !== 'android' && name !== 'ios') throw new EngineConfigError(`${PATH}.platform.${name}`, problem);
    if (typeof weight !== 'number' || !(weight >= 0) || !Number.isFinite(weight))
      throw new EngineConfigError(`${PATH}.platform.${name}`, 'must be a weight: a number ≥ 0');
    if (weight > 0) weights.push([name, weight]);
  }
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  if (total === 0) throw new EngineConfigError(`${PATH}.platform`, 'needs a weight above 0');
  return () => {
    let point = random() * total;
    for (const [name, weight] of weights) {
      point -= weight;
      if (point < 0) return name;
    }
    return weights[weights.length - 1]![0];
  };
}

/** PEM text is kept as is; anything else is a file path, read now (relative to the script). */
function readCertificates(tls: unknown, scriptPath: string | undefined): string[] {
  if (tls === undefined) return [];
  if (!isRecord(tls) || Object.keys(tls).some((key) => key !== 'ca'))
    throw new EngineConfigError(`${PATH}.tls`, 'must be an object such as {ca: ./ca.pem}');
  const { ca } = tls;
  const list = ca === undefined ? [] : Array.isArray(ca) ? (ca as unknown[]) : [ca];
  const base = scriptPath === undefined ? process.cwd() : dirname(scriptPath);
  return list.map((entry) => {
    if (typeof entry !== 'string' || entry === '')
      throw new EngineConfigError(`${PATH}.tls.ca`, 'must be PEM text or paths of PEM files');
    if (entry.includes('-----BEGIN')) return entry;
    const path = resolve(base, entry);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new EngineConfigError(`${PATH}.tls.ca`, `cannot read ${path} (${systemReason(error)})`);
    }
  });
}
