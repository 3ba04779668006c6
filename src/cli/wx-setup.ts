/**
 * The options `connect` and `doctor` share, turned into a `createWx` call: the emulated platform and base library,
 * the legal domains, extra trust, host mappings and the handshake timeout. Whatever `createWx` refuses becomes a
 * {@link UsageError} naming the flag, so bad values exit with code 2 and WeChat's own rules stay in one place.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WxOptionsError, createWx, wsTransport, type ErrorReporter, type Wx, type WxOptions } from '../node.js';
import { createDomainPolicy, type DomainPolicy } from '../domain-policy.js';
import { NEWEST_SDK_VERSION, featuresOf, parseVersion } from '../versions.js';
import { systemReason } from '../values.js';
import { UsageError, parseMilliseconds, parsePlatform, parseResolve, type OptionSpec } from './args.js';

/** The options of `connect` and `doctor` that configure the `wx` object. */
export const WX_FLAGS = {
  platform: { type: 'string' },
  sdk: { type: 'string' },
  domain: { type: 'string', multiple: true },
  ca: { type: 'string', multiple: true },
  resolve: { type: 'string', multiple: true },
  timeout: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

/** The parsed values of {@link WX_FLAGS}. */
interface WxFlagValues {
  platform?: string | undefined;
  sdk?: string | undefined;
  domain?: string[] | undefined;
  ca?: string[] | undefined;
  resolve?: string[] | undefined;
  timeout?: string | undefined;
}

/**
 * [ours] The CLI's default handshake timeout: 10 s. WeChat's own default is 60 s (contract §1), too long to stare
 * at a terminal; `--timeout 60000` restores it.
 */
const DEFAULT_CLI_TIMEOUT = 10_000;

/** A `wx` object built from the flags, and what went into it. */
export interface WxSetup {
  readonly wx: Wx;
  readonly platform: 'android' | 'ios';
  /** The `--sdk` given, or `undefined` for the newest. */
  readonly SDKVersion: string | undefined;
  /** `--domain` entries; the domain check is on exactly when there is at least one. */
  readonly domains: readonly string[] | undefined;
  /** The PEM certificates of `--ca`. */
  readonly ca: readonly string[];
  /** `--resolve` mappings, host names lower case. */
  readonly hosts: Readonly<Record<string, string>>;
  /** The handshake timeout in ms. */
  readonly timeout: number;
  /** The domain check `--domain` configures (LAN addresses allowed from 2.4.0), or `undefined` without `--domain`. */
  readonly domainPolicy: DomainPolicy | undefined;
}

/** Which flag sets each `createWx` option, to name it in errors. */
const FLAG_OF: Readonly<Record<string, string>> = {
  platform: '--platform',
  SDKVersion: '--sdk',
  domains: '--domain',
  'tls.ca': '--ca',
  tls: '--ca',
  'networkTimeout.connectSocket': '--timeout',
};

/**
 * Builds the `wx` object for `command`. `urlCheck: false` keeps the domain check off even with `--domain` (doctor
 * reports it as a check of its own instead).
 */
export function createWxFromFlags(
  values: WxFlagValues,
  command: string,
  extra: { reportError: ErrorReporter; urlCheck?: boolean },
): WxSetup {
  const platform = parsePlatform(values.platform, command) ?? 'android';
  const timeout = parseMilliseconds('--timeout', values.timeout, command) ?? DEFAULT_CLI_TIMEOUT;
  const hosts = parseResolve(values.resolve, command);
  const ca = (values.ca ?? []).map((file) => readCertificate(file, command));
  const domains = values.domain;
  const options: WxOptions = {
    platform,
    // app.json's networkTimeout applies at every base library version; connectSocket's `timeout` needs 2.10.0.
    networkTimeout: { connectSocket: timeout },
    reportError: extra.reportError,
    ...(values.sdk !== undefined && { SDKVersion: values.sdk }),
    ...(domains !== undefined && { domains }),
    ...(extra.urlCheck === false && { urlCheck: false }),
    ...(ca.length > 0 && { tls: { ca } }),
    ...(Object.keys(hosts).length > 0 && { transport: wsTransport({ hosts }) }),
  };
  let wx: Wx;
  try {
    wx = createWx(options);
  } catch (error) {
    if (!(error instanceof WxOptionsError)) throw error;
    const flag = FLAG_OF[error.option] ?? error.option;
    throw new UsageError(`${flag}: ${error.message.replace(/^createWx: /, '')}`, command);
  }
  // The policy createWx builds when its check is on, for the CLI's own explanations (and doctor's domain check).
  const version = parseVersion(values.sdk ?? NEWEST_SDK_VERSION);
  const policy =
    domains === undefined || version === undefined
      ? undefined
      : createDomainPolicy(domains, { allowLan: featuresOf(version).lanAddresses });
  if (typeof policy === 'string') throw new UsageError(`--domain: ${policy}`, command);
  const domainPolicy = policy;
  return { wx, platform, SDKVersion: values.sdk, domains, ca, hosts, timeout, domainPolicy };
}

/** Reads one `--ca` file: PEM, one or more certificates. */
function readCertificate(file: string, command: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = systemReason(error);
    throw new UsageError(
      `--ca ${file}: cannot read the file (${reason}); give the path of a PEM CA certificate`,
      command,
    );
  }
  try {
    new X509Certificate(text);
  } catch {
    throw new UsageError(
      `--ca ${file}: not a PEM certificate (want a file starting with -----BEGIN CERTIFICATE-----)`,
      command,
    );
  }
  return text;
}
