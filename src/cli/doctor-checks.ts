/**
 * The judgements of `wxsocket doctor` over what the probes found, before any WebSocket opens: the URL, the
 * domain list, DNS, TCP, TLS and the certificate, the upgrade response. Each check names the exact problem (with
 * the code OpenSSL, Node or HTTP gives it) and how to fix it.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, rootCertificates, type DetailedPeerCertificate } from 'node:tls';
import { urlRefusal, type DomainPolicy } from '../domain-policy.js';
import type { ConnectionProbe, DnsResult, Target, TlsFacts, UpgradeProbe } from './doctor-probes.js';
import type { Report } from './doctor-report.js';
import { formatDuration } from './format.js';

/** [ours] A certificate expiring within this many days is a warning. */
const EXPIRY_WARNING_DAYS = 14;
const DAY = 86_400_000;

const PROXY_HINT =
  'behind nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"';

/** The URL's scheme: WeChat opens only `wss://` (and `ws://` with the domain check off, e.g. in DevTools). */
export function checkScheme(report: Report, target: Target): void {
  if (target.protocol === 'wss:') return report.add('scheme', 'pass', 'wss://');
  report.add(
    'scheme',
    'fail',
    'ws:// (no TLS): WeChat refuses it whenever the domain check is on, i.e. on every phone',
    {
      remedy: 'serve the endpoint over TLS and use wss://',
      code: 'NOT_WSS',
    },
  );
}

/** The host: not an IP address nor localhost (contract §5). */
export function checkHost(report: Report, target: Target): void {
  const { host } = target;
  if (isLocalhost(host)) {
    return report.add(
      'host',
      'fail',
      `${host} always names the device itself (on a phone, the phone), and it cannot be a legal socket domain`,
      {
        remedy:
          "use the server's public domain name; to try a server on this computer under such a name, add --resolve <name>:127.0.0.1",
        code: 'LOCALHOST',
      },
    );
  }
  const family = isIP(host);
  if (family === 0) return report.add('host', 'pass', `${host} is a domain name`);
  if (family === 4 && isLanIPv4(host)) {
    return report.add(
      'host',
      'warn',
      `${host} is a LAN address: allowed without listing from base library 2.4.0, on the same network only`,
      {
        remedy: 'for production, use a domain name listed as a socket legal domain',
        code: 'IP_ADDRESS',
      },
    );
  }
  report.add('host', 'fail', `${host} is an IP address: IP addresses cannot be legal socket domains`, {
    remedy: 'give the server a domain name (with a certificate for it) and list it as a socket legal domain',
    code: 'IP_ADDRESS',
  });
}

function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function isLanIPv4(host: string): boolean {
  const [a = -1, b = -1] = host.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** The URL against the legal domains given with `--domain`, by the same check `wx.connectSocket` runs (§5). */
export function checkDomain(report: Report, url: string, domains: readonly string[], policy: DomainPolicy): void {
  const refusal = urlRefusal(url, policy);
  if (refusal === undefined)
    return report.add('domain', 'pass', `allowed by the legal domains (${domains.join(', ')})`);
  report.add('domain', 'fail', `not allowed: ${refusal}; WeChat reports "url not in domain list"`, {
    remedy:
      'list the host exactly (no wildcard, no parent domain) under socket legal domains in the mini program admin console, and use wss://',
    code: 'URL_NOT_IN_DOMAIN_LIST',
  });
}

/** The DNS lookup. */
export function checkDns(report: Report, target: Target, dns: DnsResult): void {
  switch (dns.kind) {
    case 'ip':
      return report.add('dns', 'skip', 'an IP address: nothing to look up');
    case 'mapped':
      return report.add('dns', 'pass', `mapped by --resolve to ${dns.address} (no DNS lookup)`);
    case 'failed':
      return report.add('dns', 'fail', `cannot resolve ${target.host}: ${dns.error.message}`, {
        remedy: `check the spelling, and that ${target.host} has a public A or AAAA record`,
        code: dns.error.code,
      });
    case 'resolved': {
      const shown = `${dns.addresses.join(', ')} in ${formatDuration(dns.ms)}`;
      if (isLocalhost(target.host)) return report.add('dns', 'pass', `resolves to ${shown} (this computer)`);
      if (dns.addresses.every(isPrivateAddress)) {
        return report.add(
          'dns',
          'warn',
          `resolves to ${shown}: private or loopback addresses only, which phones cannot reach`,
          {
            remedy: `give ${target.host} a public A or AAAA record in its DNS zone`,
          },
        );
      }
      return report.add('dns', 'pass', `resolves to ${shown}`);
    }
  }
}

function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 6) return address === '::1' || /^f[cd]/i.test(address) || /^fe80/i.test(address);
  const [a = -1] = address.split('.').map(Number);
  return a === 127 || isLanIPv4(address);
}

/** TCP, then for wss the TLS version and the certificate. */
export function checkConnection(
  report: Report,
  target: Target,
  address: string,
  probe: ConnectionProbe,
  extraCa: readonly string[],
): void {
  const endpoint = `${address.includes(':') ? `[${address}]` : address}:${target.port}`;
  if ('error' in probe.tcp) {
    const { code, message } = probe.tcp.error;
    const why =
      code === 'ECONNREFUSED'
        ? 'refused: nothing listens on that port'
        : code === 'ETIMEDOUT'
          ? `${message}: a firewall may drop it`
          : message;
    return report.add('tcp', 'fail', `cannot connect to ${endpoint}: ${why}`, {
      remedy:
        'check that the server runs and that the port is open to the internet (firewall, security group, load balancer)',
      code,
    });
  }
  report.add('tcp', 'pass', `connected to ${endpoint} in ${formatDuration(probe.tcp.ms)}`);
  if (!target.secure || probe.tls === undefined) return;
  if ('error' in probe.tls) {
    const { code, message } = probe.tls.error;
    const plain = /wrong version number|packet length too long|http request/i.test(message);
    return report.add(
      'tls-version',
      'fail',
      plain ? 'the port answered without TLS: is it a ws:// (plain) port?' : `the TLS handshake failed: ${message}`,
      {
        remedy: plain
          ? 'point wss:// at the TLS port (usually 443), or terminate TLS in front of the server'
          : 'the server must offer TLS 1.2 or 1.3 with a certificate for this host',
        code,
      },
    );
  }
  checkTls(report, target, probe.tls, extraCa);
}

function checkTls(report: Report, target: Target, tls: TlsFacts, extraCa: readonly string[]): void {
  const version = tls.protocol;
  if (version === 'TLSv1.2' || version === 'TLSv1.3')
    report.add('tls-version', 'pass', `${version} in ${formatDuration(tls.ms)}`);
  else {
    report.add('tls-version', 'fail', `${version} negotiated: WeChat needs TLS 1.2 or newer`, {
      remedy: 'enable TLS 1.2 and 1.3 on the server (nginx: ssl_protocols TLSv1.2 TLSv1.3;)',
      code: 'TLS_VERSION_TOO_OLD',
    });
  }
  const leaf = tls.chain[0];
  if (leaf === undefined) {
    report.add('certificate-trust', 'fail', 'the server sent no certificate', {
      remedy: 'configure a certificate on the server',
      code: 'NO_CERTIFICATE',
    });
    return;
  }
  checkTrust(report, tls, leaf, extraCa);
  checkChain(report, tls.chain);
  const mismatch = checkServerIdentity(target.host, leaf as Parameters<typeof checkServerIdentity>[1]);
  if (mismatch === undefined) report.add('certificate-host', 'pass', `covers ${target.host}`);
  else {
    report.add('certificate-host', 'fail', `wrong host: the certificate is for ${namesOf(leaf)}, not ${target.host}`, {
      remedy: `use a certificate whose subjectAltName lists DNS:${target.host}`,
      code: (mismatch as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  }
  checkExpiry(report, tls.chain);
}

const UNTRUSTED_ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function checkTrust(report: Report, tls: TlsFacts, leaf: DetailedPeerCertificate, extraCa: readonly string[]): void {
  const error = tls.authorizationError;
  const last = tls.chain[tls.chain.length - 1] ?? leaf;
  const extra = fingerprintsOf(extraCa);
  const rootTrusted = isSelfSigned(last) && (extra.has(last.fingerprint256) || publicRoots().has(last.fingerprint256));
  // Node only checks the host name once the chain verified; an expiry error says nothing about the issuer.
  const trusted =
    tls.authorized ||
    error === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    (error !== undefined && TIME_ERRORS.has(error) && rootTrusted);
  if (trusted) {
    if (extra.has(last.fingerprint256)) {
      return report.add(
        'certificate-trust',
        'warn',
        `trusted only through --ca ("${cn(last)}"): phones do not trust it`,
        {
          remedy: 'in production, use a certificate from a public CA; --ca (createWx tls.ca) is for test servers',
        },
      );
    }
    return report.add('certificate-trust', 'pass', `issued under "${cn(last)}", a publicly trusted CA`);
  }
  const remedy = "use a certificate from a public CA (e.g. Let's Encrypt); for a test server, pass its CA with --ca";
  const code = error ?? 'UNTRUSTED';
  if (error !== undefined && UNTRUSTED_ISSUER.has(error)) {
    const issuer = issuerName(last);
    return report.add(
      'certificate-trust',
      'fail',
      `untrusted CA: "${cn(last)}" was issued by "${issuer}", which no trust store holds`,
      { remedy, code },
    );
  }
  if (error === 'SELF_SIGNED_CERT_IN_CHAIN') {
    return report.add(
      'certificate-trust',
      'fail',
      `untrusted CA: the chain ends at the self-signed "${cn(last)}", which is not a trusted CA`,
      { remedy, code },
    );
  }
  if (error === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return report.add(
      'certificate-trust',
      'fail',
      `self-signed certificate: "${cn(leaf)}" signed itself; no phone trusts it`,
      { remedy, code },
    );
  }
  report.add('certificate-trust', 'fail', `the certificate chain did not verify (${code})`, { remedy, code });
}

function checkChain(report: Report, chain: readonly DetailedPeerCertificate[]): void {
  const last = chain[chain.length - 1];
  if (last === undefined) return;
  const names = chain.map((certificate) => `"${cn(certificate)}"`).join(' ← ');
  if (isSelfSigned(last)) return report.add('certificate-chain', 'pass', `complete: ${names} (root)`);
  const issuer = issuerName(last);
  const published = last.infoAccess?.['CA Issuers - URI']?.[0];
  const remedy =
    'send the full chain from the server (e.g. fullchain.pem rather than cert.pem): phones do not fetch missing intermediates';
  if (published !== undefined) {
    return report.add(
      'certificate-chain',
      'fail',
      `incomplete: ${names}, but the server did not send "${issuer}" (its CA publishes it at ${published})`,
      {
        remedy,
        code: 'INCOMPLETE_CHAIN',
      },
    );
  }
  report.add(
    'certificate-chain',
    'warn',
    `stops at ${names}: "${issuer}" was not sent and is not a trusted root (a private CA, or a missing intermediate)`,
    {
      remedy,
    },
  );
}

function checkExpiry(report: Report, chain: readonly DetailedPeerCertificate[]): void {
  const now = Date.now();
  const notYet = chain.find((certificate) => Date.parse(certificate.valid_from) > now);
  if (notYet !== undefined) {
    return report.add(
      'certificate-expiry',
      'fail',
      `"${cn(notYet)}" is not valid before ${isoDay(notYet.valid_from)}`,
      {
        remedy: "check the certificate's dates and the server's clock",
        code: 'CERT_NOT_YET_VALID',
      },
    );
  }
  const first = [...chain].sort((a, b) => Date.parse(a.valid_to) - Date.parse(b.valid_to))[0];
  if (first === undefined) return;
  const left = Date.parse(first.valid_to) - now;
  const which = first === chain[0] ? '' : ` ("${cn(first)}" in the chain)`;
  if (left <= 0) {
    return report.add(
      'certificate-expiry',
      'fail',
      `expired on ${isoDay(first.valid_to)}, ${describeSpan(-left)} ago${which}`,
      {
        remedy: 'renew the certificate, and automate renewal (e.g. certbot renew)',
        code: 'CERT_HAS_EXPIRED',
      },
    );
  }
  if (left < EXPIRY_WARNING_DAYS * DAY) {
    return report.add(
      'certificate-expiry',
      'warn',
      `expires in ${describeSpan(left)}, on ${isoDay(first.valid_to)}${which}`,
      {
        remedy: 'renew it before then, and automate renewal',
      },
    );
  }
  report.add(
    'certificate-expiry',
    'pass',
    `valid until ${isoDay(first.valid_to)} (${describeSpan(left)} left)${which}`,
  );
}

/** What the upgrade request asked for: the subprotocols, and the `--header` names left out of it. */
interface UpgradeRequest {
  readonly protocols: readonly string[];
  /** `--header` names not sent because the TLS connection did not verify (they may hold tokens). */
  readonly withheld: readonly string[];
}

/** The upgrade response: 101 with the right accept key, the subprotocol, the extensions. */
export function checkUpgrade(report: Report, target: Target, probe: UpgradeProbe, request: UpgradeRequest): void {
  const { protocols, withheld } = request;
  const note =
    withheld.length === 0
      ? ''
      : ` (sent without the --header values (${withheld.join(', ')}): TLS failed the checks above, so they were kept from this server, as they may hold secrets)`;
  const add: Report['add'] = (id, status, detail, extra) => report.add(id, status, `${detail}${note}`, extra);
  if (probe.kind === 'failed') {
    const { code, message } = probe.error;
    add(
      'upgrade',
      'fail',
      code === 'ETIMEDOUT' ? `${message}: the server took the request and never answered` : `no answer: ${message}`,
      {
        remedy: `the server must answer the WebSocket upgrade at ${target.path} with 101 (${PROXY_HINT})`,
        code,
      },
    );
    return report.skip(['subprotocol', 'deflate'], 'no 101 response');
  }
  if (probe.status !== 101) {
    const [why, explained] = explainStatus(probe.status, probe.headers);
    const remedy =
      withheld.length > 0 && (probe.status === 401 || probe.status === 403)
        ? 'fix the TLS checks above and run doctor again: the --header values are sent only to a verified server'
        : explained;
    add(
      'upgrade',
      'fail',
      `the server answered HTTP ${probe.status} ${probe.statusText}, not 101 Switching Protocols${why}`,
      {
        remedy,
        code: `HTTP_${probe.status}`,
      },
    );
    return report.skip(['subprotocol', 'deflate'], 'no 101 response');
  }
  if (!probe.acceptValid) {
    add('upgrade', 'fail', '101, but Sec-WebSocket-Accept does not match the key sent', {
      remedy: 'something rewrote the handshake: answer with a standard WebSocket server library',
      code: 'BAD_ACCEPT',
    });
  } else {
    add('upgrade', 'pass', `101 Switching Protocols in ${formatDuration(probe.ms)}`);
  }
  checkSubprotocol(report, probe.headers['sec-websocket-protocol'], protocols);
  checkDeflate(report, probe.headers['sec-websocket-extensions']);
}

function explainStatus(status: number, headers: Readonly<Record<string, string>>): [string, string] {
  if (status >= 300 && status < 400) {
    return [
      `: a redirect to ${headers['location'] ?? '(no Location)'}`,
      'WeChat does not follow redirects: connect to the final URL',
    ];
  }
  switch (status) {
    case 200:
      return [
        ': a plain HTTP answer, so this path serves a page, not a WebSocket endpoint',
        `point the URL at the WebSocket endpoint, or make the server upgrade there (${PROXY_HINT})`,
      ];
    case 400:
      return [
        ': often a proxy that drops the Upgrade and Connection headers',
        `pass the upgrade through (${PROXY_HINT})`,
      ];
    case 401:
    case 403:
      return [
        ': the server refused the request',
        'check what it requires: a header the mini program must send (try --header), or an Origin/Referer check (WeChat sends Referer https://servicewechat.com/<appid>/<version>/page-frame.html and no Origin)',
      ];
    case 404:
      return [': nothing at this path', 'check the path of the WebSocket endpoint'];
    case 426:
      return [': the upgrade did not reach the server', `pass the upgrade through (${PROXY_HINT})`];
    default:
      return status >= 500
        ? [
            ': the server or a proxy failed',
            'check the server logs; 502 and 504 usually mean the proxy cannot reach the WebSocket backend',
          ]
        : ['', 'the server must answer the WebSocket upgrade with 101'];
  }
}

function checkSubprotocol(report: Report, selected: string | undefined, protocols: readonly string[]): void {
  if (protocols.length === 0) {
    if (selected === undefined)
      return report.add('subprotocol', 'skip', 'none requested (add --protocol if the mini program requests one)');
    return report.add(
      'subprotocol',
      'fail',
      `the server selected "${selected}" although none was requested: WeChat fails the handshake`,
      {
        remedy: 'select a subprotocol only when the client requests one',
        code: 'UNREQUESTED_SUBPROTOCOL',
      },
    );
  }
  const requested = protocols.map((protocol) => `"${protocol}"`).join(', ');
  if (selected === undefined) {
    return report.add(
      'subprotocol',
      'fail',
      `no subprotocol echo: requested ${requested}, but the 101 has no Sec-WebSocket-Protocol: WeChat fails the handshake (onError code:20)`,
      {
        remedy:
          'make the server select one of the requested subprotocols and send it back in Sec-WebSocket-Protocol (ws: handleProtocols)',
        code: 'NO_SUBPROTOCOL_ECHO',
      },
    );
  }
  if (!protocols.includes(selected)) {
    return report.add(
      'subprotocol',
      'fail',
      `the server selected "${selected}", which was not requested (${requested}): WeChat fails the handshake`,
      {
        remedy: 'select one of the subprotocols the client requested',
        code: 'UNREQUESTED_SUBPROTOCOL',
      },
    );
  }
  report.add('subprotocol', 'pass', `echoed "${selected}"`);
}

function checkDeflate(report: Report, extensions: string | undefined): void {
  if (extensions === undefined) {
    return report.add(
      'deflate',
      'pass',
      'offered, not negotiated: messages go uncompressed (WeChat offers it only with perMessageDeflate: true)',
    );
  }
  const names = extensions.split(',').map((extension) => extension.split(';')[0]?.trim() ?? '');
  if (names.length === 1 && names[0] === 'permessage-deflate') {
    return report.add(
      'deflate',
      'pass',
      `negotiated (${extensions}); WeChat offers it only with perMessageDeflate: true (2.8.0)`,
    );
  }
  report.add(
    'deflate',
    'fail',
    `the server answered extensions that were not offered: ${extensions}: the handshake fails`,
    {
      remedy: 'answer only with extensions the client offered',
      code: 'UNREQUESTED_EXTENSION',
    },
  );
}

function cn(certificate: DetailedPeerCertificate): string {
  const name = certificate.subject?.CN;
  return (Array.isArray(name) ? name[0] : name) ?? certificate.subjectaltname ?? '(no name)';
}

function issuerName(certificate: DetailedPeerCertificate): string {
  const name = certificate.issuer?.CN;
  return (Array.isArray(name) ? name[0] : name) ?? '(no name)';
}

/** The names a certificate covers: its subjectAltName entries, else its common name. */
function namesOf(certificate: DetailedPeerCertificate): string {
  const alt = certificate.subjectaltname;
  return alt === undefined || alt === '' ? cn(certificate) : alt.replace(/DNS:|IP Address:/g, '');
}

function isSelfSigned(certificate: DetailedPeerCertificate): boolean {
  return (
    certificate.issuerCertificate !== undefined &&
    certificate.issuerCertificate.fingerprint256 === certificate.fingerprint256
  );
}

let roots: Set<string> | undefined;
/** Fingerprints of Node's bundled root CAs (Mozilla's store, close to what phones trust). Parsed once. */
function publicRoots(): Set<string> {
  roots ??= fingerprintsOf(rootCertificates);
  return roots;
}

function fingerprintsOf(pems: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const pem of pems) {
    for (const block of pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []) {
      try {
        set.add(new X509Certificate(block).fingerprint256);
      } catch {
        // Not a certificate: --ca files are checked when read; this only skips stray blocks.
      }
    }
  }
  return set;
}

function isoDay(date: string): string {
  return new Date(date).toISOString().slice(0, 10);
}

/** `3 days`, `5 hours`, `1 day`. */
function describeSpan(ms: number): string {
  const days = Math.floor(ms / DAY);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.max(1, Math.round(ms / 3_600_000));
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
