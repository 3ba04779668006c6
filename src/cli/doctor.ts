/**
 * `wxsocket doctor <url>`: will this endpoint work from WeChat? Probes the network below the API (DNS, TCP, TLS,
 * the upgrade response), then connects through the wx API as a mini program would, and reports each check with
 * pass, warn, fail or skip and how to fix what is wrong. Exits 1 when a check fails.
 */
import { isIP } from 'node:net';
import { NEWEST_SDK_VERSION } from '../node.js';
import { PROFILES, userAgentOf } from '../profiles.js';
import { ExitCode, UsageError, parseCommandLine, parseHeaders } from './args.js';
import { checkConnection, checkDns, checkDomain, checkHost, checkScheme, checkUpgrade } from './doctor-checks.js';
import { probeConnection, probeDns, probeUpgrade, type ConnectionProbe, type Target } from './doctor-probes.js';
import { DoctorProgress } from './doctor-progress.js';
import { CHECKS, Report, formatReport, formatVerdict, type CheckId } from './doctor-report.js';
import { checkWithWx } from './doctor-wx.js';
import { HELP } from './help.js';
import { formatDuration } from './format.js';
import { stylesOf, widthOf, type Io } from './io.js';
import { WX_FLAGS, createWxFromFlags, type WxSetup } from './wx-setup.js';

const OPTIONS = {
  ...WX_FLAGS,
  header: { type: 'string', multiple: true },
  protocol: { type: 'string', multiple: true },
  message: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Runs `wxsocket doctor`. Resolves with the exit code. */
export async function runDoctor(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine('doctor', argv, OPTIONS, 1);
  if (values.help === true) {
    io.stdout.write(HELP.doctor);
    return ExitCode.ok;
  }
  const url = positionals[0];
  if (url === undefined)
    throw new UsageError('missing the URL to check, e.g. wxsocket doctor wss://chat.example.com/ws', 'doctor');
  const target = parseTarget(url);
  const header = parseHeaders('--header', values.header, 'doctor');
  const protocols = values.protocol ?? [];
  const scriptErrors: string[] = [];
  // The domain check is a check of its own here: the wx connection runs with it off, so the later checks still run.
  const setup = createWxFromFlags(values, 'doctor', {
    reportError: (error, where) => void scriptErrors.push(`${where}: ${String(error)}`),
    urlCheck: false,
  });
  const heading = `wxsocket doctor ${url}  (${setup.platform}, base library ${setup.SDKVersion ?? NEWEST_SDK_VERSION})`;
  const style = stylesOf(io).out;
  const progress =
    values.json !== true && io.stdout.isTTY === true
      ? new DoctorProgress({ write: (text) => void io.stdout.write(text), style, columns: widthOf(io.stdout), heading })
      : undefined;
  const report = new Report(progress && ((result) => progress.result(result)));

  checkScheme(report, target);
  checkHost(report, target);
  if (setup.domains !== undefined && setup.domainPolicy !== undefined)
    checkDomain(report, url, setup.domains, setup.domainPolicy);
  else report.add('domain', 'skip', "no --domain given: pass the mini program's socket legal domains to check the URL");

  const step = (text: string): void => progress?.step(text);
  await checkNetwork(report, target, setup, { url, header, protocols, message: values.message ?? 'ping' }, step);

  if (progress !== undefined) {
    progress.finish(formatVerdict(report, style));
  } else if (values.json === true) {
    const counts = report.counts();
    io.stdout.write(
      `${JSON.stringify({ url, platform: setup.platform, SDKVersion: setup.SDKVersion ?? NEWEST_SDK_VERSION, ok: !report.failed, counts, checks: report.results }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(formatReport(report, heading, style));
  }
  if (scriptErrors.length > 0)
    io.stderr.write(`wxsocket doctor: internal error in a listener: ${scriptErrors.join('; ')}\n`);
  return report.failed ? ExitCode.failed : ExitCode.ok;
}

/** The checks that need the network: DNS, TCP, TLS, the upgrade, then the wx connection. */
async function checkNetwork(
  report: Report,
  target: Target,
  setup: WxSetup,
  request: { url: string; header: Record<string, string>; protocols: readonly string[]; message: string },
  step: (text: string) => void,
): Promise<void> {
  const all = Object.keys(CHECKS) as CheckId[];
  const { header, protocols } = request;
  if (isIP(target.host) === 0) step(`DNS: looking up ${target.host}`);
  const dns = await probeDns(target, setup.hosts, setup.timeout);
  checkDns(report, target, dns);
  if (dns.kind === 'failed') return report.skip(all, 'needs the host resolved');
  const endpoint = `${dns.address.includes(':') ? `[${dns.address}]` : dns.address}:${target.port}`;
  step(`${target.secure ? 'TCP and TLS' : 'TCP'}: connecting to ${endpoint}`);
  const connection = await probeConnection(target, dns.address, setup.ca, setup.timeout);
  checkConnection(report, target, dns.address, connection, setup.ca);
  if ('error' in connection.tcp) return report.skip(all, 'needs a TCP connection');
  if (!target.secure)
    report.skip(
      ['tls-version', 'certificate-trust', 'certificate-chain', 'certificate-host', 'certificate-expiry'],
      'ws:// has no TLS',
    );
  else if (connection.tls === undefined || 'error' in connection.tls) {
    report.skip(
      ['certificate-trust', 'certificate-chain', 'certificate-host', 'certificate-expiry'],
      'needs a TLS handshake',
    );
    return report.skip(all, 'needs a TLS handshake');
  }
  const profile = PROFILES[setup.platform];
  // The --header values may hold tokens: they go only to a server verified as the wx connection verifies it.
  const verified = !target.secure || isVerified(connection);
  step(`upgrade: waiting for the answer to the upgrade request (at most ${formatDuration(setup.timeout)})`);
  const upgrade = await probeUpgrade(target, dns.address, {
    protocols,
    header: verified ? header : {},
    ...(target.secure && verified && { verify: { ca: setup.ca } }),
    referer: 'https://servicewechat.com/touristappid/devtools/page-frame.html',
    userAgent: userAgentOf(profile),
    timeout: setup.timeout,
  });
  checkUpgrade(report, target, upgrade, { protocols, withheld: verified ? [] : Object.keys(header) });
  // The wx connection verifies TLS itself (1.2 or newer, a trusted chain, the host name) before sending anything.
  step(`handshake (wx): wx.connectSocket on ${setup.platform}, then a message round trip and a close`);
  await checkWithWx(report, { setup, ...request });
}

/** Whether the TLS connection showed a server WeChat would trust: a verified chain and host name, TLS 1.2 or newer. */
function isVerified(connection: ConnectionProbe): boolean {
  const tls = connection.tls;
  if (tls === undefined || 'error' in tls) return false;
  return tls.authorized && (tls.protocol === 'TLSv1.2' || tls.protocol === 'TLSv1.3');
}

/** Reads the URL: a `ws://` or `wss://` URL is checked; anything else is a bad argument. */
function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `${JSON.stringify(url)} is not a URL: give a wss:// URL, e.g. wss://chat.example.com/ws`,
      'doctor',
    );
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    const hint =
      parsed.protocol === 'https:' || parsed.protocol === 'http:'
        ? `; the WebSocket URL is likely wss://${parsed.host}${parsed.pathname}`
        : '';
    throw new UsageError(
      `${parsed.protocol}// is not a WebSocket scheme: WeChat connects to wss:// URLs${hint}`,
      'doctor',
    );
  }
  const secure = parsed.protocol === 'wss:';
  return {
    url,
    protocol: parsed.protocol,
    secure,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase(),
    port: parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port),
    path: `${parsed.pathname}${parsed.search}`,
  };
}
