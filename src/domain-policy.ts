/**
 * The legal-domain check (`urlCheck`, contract §5): may a socket URL be opened under the configured socket domains?
 *
 * The check is done twice, by two independent parsers, and a URL passes only when both agree:
 * 1. a strict parser written here, which reads the authority itself and refuses every character that a URL
 *    parser might reinterpret (`@`, `\`, `%`, whitespace, controls, non-ASCII), then matches the host exactly;
 * 2. the WHATWG URL parser (`new URL`), which is what the `ws` client and browsers actually connect with: its
 *    `hostname` must equal the host found in step 1.
 * A trick that fools one parser must also fool the other in exactly the same way to get through.
 *
 * Pure and core: no Node built-ins (the global WHATWG `URL` exists in Node and in browsers).
 * Doc: https://developers.weixin.qq.com/miniprogram/dev/framework/ability/network.html
 */

/** A parsed, validated list of legal socket domains (lower-case ASCII hosts). */
export interface DomainPolicy {
  /** The listed hosts, lower-case ASCII, without scheme, port or trailing dot. */
  readonly domains: ReadonlySet<string>;
  /** Whether LAN IPv4 addresses (10/8, 172.16/12, 192.168/16) pass without being listed (base library 2.4.0+). */
  readonly allowLan: boolean;
}

/** Why an authority (`host[:port]`) was refused; also the text used in `createDomainPolicy` errors. */
const Refusal = {
  empty: 'has no host',
  userinfo: 'contains "@" (userinfo)',
  backslash: 'contains a backslash',
  percent: 'contains a percent-encoded character',
  whitespace: 'contains whitespace or a control character',
  nonAscii: 'is not ASCII; list its punycode (xn--) form',
  wildcard: 'is a wildcard; domains match exactly, with no wildcard or parent-domain matching',
  ipv6: 'is an IPv6 address; IP addresses cannot be socket domains',
  port: 'has an invalid port (want 1-65535, digits only, no leading zero)',
  trailingDot: 'ends with a dot',
  syntax: 'is not a valid domain',
  numericIp: 'is an IPv4 address in a non-canonical form (octal, hex, decimal or short)',
} as const;
type Refusal = (typeof Refusal)[keyof typeof Refusal];

/** A host[:port] that passed the strict grammar. */
interface Authority {
  readonly kind: 'domain' | 'ipv4';
  /** Lower-case ASCII. For `ipv4`, canonical dotted decimal. */
  readonly host: string;
  readonly port: number | undefined;
}

/** Lower-cases A-Z only. `String#toLowerCase` is Unicode-aware: it maps the Kelvin sign U+212A to ASCII `k`. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Parses `host[:port]` strictly. The grammar is `[A-Za-z0-9.-]+(:port)?`; the explicit tests before it only exist
 * to give each refusal its own reason. Every rule refuses something the WHATWG parser would silently rewrite.
 */
function parseAuthority(authority: string): Authority | Refusal {
  if (authority === '') return Refusal.empty;
  // `wss://good.com@evil.com` connects to evil.com: whatever precedes `@` is userinfo, not the host.
  if (authority.includes('@')) return Refusal.userinfo;
  // WHATWG treats `\` as `/` in wss URLs: `wss://evil.com\@good.com` connects to evil.com.
  if (authority.includes('\\')) return Refusal.backslash;
  // WHATWG percent-decodes hosts: `chat%2eexample.com` becomes `chat.example.com`. Nothing legal needs `%` here.
  if (authority.includes('%')) return Refusal.percent;
  // WHATWG strips tab/CR/LF anywhere and leading/trailing C0 controls and spaces: `chat.exa<TAB>mple.com`.
  if (/[\u0000-\u0020\u007f]/.test(authority)) return Refusal.whitespace;
  // IDNA maps full-width letters, `。`, the Kelvin sign, soft hyphens and zero-width spaces onto ASCII, and another
  // script's look-alikes (Cyrillic `а`) onto a punycode host. Only plain ASCII can equal a listed host honestly.
  if (/[^\u0000-\u007f]/.test(authority)) return Refusal.nonAscii;
  if (authority.includes('*')) return Refusal.wildcard;
  // Brackets hold an IPv6 literal, an IP address. The LAN rule of 2.4.0 names IPv4 ranges only, so IPv6 literals
  // (including IPv4-mapped ones such as `[::ffff:10.0.0.1]`) are always refused. [ours]
  if (authority.startsWith('[')) return Refusal.ipv6;

  const colon = authority.indexOf(':');
  const rawHost = colon === -1 ? authority : authority.slice(0, colon);
  let port: number | undefined;
  if (colon !== -1) {
    // Digits only, canonical, 1-65535. WHATWG accepts an empty port (`host:`), `0` and leading zeros; none has a
    // legitimate use, so we refuse them rather than reason about what each client does with them. [ours]
    const digits = authority.slice(colon + 1);
    if (!/^[1-9][0-9]{0,4}$/.test(digits) || Number(digits) > 65535) return Refusal.port;
    port = Number(digits);
  }
  if (rawHost === '') return Refusal.empty;
  // A trailing dot makes a different, absolute name (`chat.example.com.`) that still resolves to the same server:
  // refuse rather than match it. WHATWG keeps it in `hostname` for domains but drops it for IPv4 (`10.0.0.1.`).
  if (rawHost.endsWith('.')) return Refusal.trailingDot;
  if (!/^[A-Za-z0-9.-]+$/.test(rawHost)) return Refusal.syntax;

  const host = asciiLower(rawHost);
  const labels = host.split('.');
  // DNS limits (RFC 1035) and the LDH rule: no empty label, no label starting or ending with a hyphen.
  if (host.length > 253) return Refusal.syntax;
  for (const label of labels) {
    if (label === '' || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return Refusal.syntax;
  }

  // WHATWG "ends in a number": when the last label is all digits or `0x` hex, the whole host is read as an IPv4
  // address, whose parts may be octal (`010`), hex (`0xa`), or merged (`167772161`, `10.1`). Only the canonical
  // dotted-decimal form is kept as an address; every other numeric form is an IP in disguise.
  const last = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/.test(last)) {
    const isOctet = (part: string): boolean => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255;
    const canonical = labels.length === 4 && labels.every(isOctet);
    return canonical ? { kind: 'ipv4', host, port } : Refusal.numericIp;
  }
  return { kind: 'domain', host, port };
}

/** `localhost` and its subdomains: resolvers map `*.localhost` to loopback too (RFC 6761 §6.3). [ours] */
function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/** Whether a canonical dotted-decimal IPv4 address is in a LAN range (RFC 1918: 10/8, 172.16/12, 192.168/16). */
function isLanIPv4(host: string): boolean {
  const [a = -1, b = -1] = host.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** The second, independent guard: what the WHATWG parser (hence `ws` and browsers) would connect to. */
function whatwgAgrees(url: string, authority: Authority): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const port = authority.port === undefined || authority.port === 443 ? '' : String(authority.port);
  return (
    parsed.protocol === 'wss:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.hostname === authority.host &&
    parsed.port === port
  );
}

/**
 * Explains why `url` may not be opened under `policy`, or returns `undefined` when it may. The reason is for
 * diagnostics (logs, `cause`, the CLI); WeChat's own error text is always `url not in domain list`.
 */
export function urlRefusal(url: string, policy: DomainPolicy): string | undefined {
  if (typeof url !== 'string') return 'is not a string';
  // §5: only wss passes the domain check, even for a listed host; `ws://` passed only the earlier URL regex.
  // Compared exactly at index 0: WHATWG would also strip leading spaces and accept `wss:/host` or `wss:\\host`.
  if (asciiLower(url.slice(0, 6)) !== 'wss://') return 'scheme is not wss://';
  // The authority runs to the first `/`, `?`, `#` or the end. What follows is path, query or fragment, not part of
  // the host, so `wss://chat.example.com/?a=@evil.com` is fine (WHATWG agrees; the second guard checks it).
  const rest = url.slice(6);
  const end = rest.search(/[/?#]/);
  const authority = parseAuthority(end === -1 ? rest : rest.slice(0, end));
  if (typeof authority === 'string') return `authority ${authority}`;
  if (authority.kind === 'ipv4') {
    // §5: IP addresses are refused, except LAN ones from base library 2.4.0 on (listed-or-LAN). [lib]
    if (!(policy.allowLan && isLanIPv4(authority.host))) return `host ${authority.host} is an IP address`;
  } else {
    if (isLocalhost(authority.host)) return `host ${authority.host} is localhost`;
    // §5: exact, case-insensitive equality; no parent-domain or wildcard matching. Any port is fine for wss.
    if (!policy.domains.has(authority.host)) return `host ${authority.host} is not in the domain list`;
  }
  if (!whatwgAgrees(url, authority)) return 'the WHATWG URL parser reads a different host';
  return undefined;
}

/** True when `url` (already known to pass the `ws://`/`wss://` pattern of §1 step 3) may be opened (§5). */
export function isUrlAllowed(url: string, policy: DomainPolicy): boolean {
  return urlRefusal(url, policy) === undefined;
}

/** `Object.prototype.toString`'s name for a value's type (`Number`, `Null`, …), as WeChat's messages use. */
function typeName(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** Parses one `domains` entry into its host, or the reason it is invalid. */
function parseDomainEntry(entry: string): string | { readonly reason: string } {
  let rest = entry;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(entry);
  if (scheme !== null) {
    // Socket domains are configured as `wss://host` in the admin console; `ws://`/`https://` entries are for
    // other APIs or not allowed at all, and accepting them would suggest they permit something. [doc]
    if (asciiLower(scheme[1] ?? '') !== 'wss') {
      return { reason: 'must be a wss:// domain (socket domains are wss only)' };
    }
    rest = entry.slice(scheme[0].length);
  }
  // One trailing slash is accepted, as `wss://host/` is how such entries are often copied.
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (/[/?#]/.test(rest)) return { reason: 'must be a host, without a path, query or fragment' };
  const authority = parseAuthority(rest);
  if (typeof authority === 'string') return { reason: authority };
  if (authority.kind === 'ipv4') {
    return {
      reason: 'is an IP address; IP addresses cannot be socket domains (LAN addresses need no listing from 2.4.0)',
    };
  }
  if (isLocalhost(authority.host)) return { reason: 'is localhost, which cannot be a socket domain' };
  // The entry must be exactly what WHATWG makes of it, or no URL could ever match it: this refuses invalid
  // punycode such as `xn--a.com`. The port of an entry is accepted and ignored: §5 allows any port for wss. [ours]
  let hostname: string;
  try {
    hostname = new URL(`wss://${authority.host}`).hostname;
  } catch {
    return { reason: Refusal.syntax };
  }
  return hostname === authority.host ? authority.host : { reason: Refusal.syntax };
}

/**
 * Validates the `domains` option of `createWx` (§5). Returns the policy, or a message for the `TypeError` that
 * `createWx` throws, e.g. `domains[2] "wss://a b" contains whitespace or a control character`.
 *
 * Accepted entries: `host`, `host:port`, `wss://host`, `wss://host:port`, each with an optional trailing `/`; the
 * scheme is case-insensitive, the host is stored lower-case and a port is ignored (any port is allowed for wss).
 * Refused: other schemes (`ws://`, `https://`), paths, queries, fragments, wildcards, IP addresses, `localhost`
 * (and `*.localhost`), userinfo, trailing dots, non-ASCII hosts (list the `xn--` form), invalid punycode.
 */
export function createDomainPolicy(domains: readonly unknown[], options: { allowLan: boolean }): DomainPolicy | string {
  if (!Array.isArray(domains)) return `domains must be an array of strings, got ${typeName(domains)}`;
  const hosts = new Set<string>();
  for (let index = 0; index < domains.length; index += 1) {
    const entry: unknown = domains[index];
    if (typeof entry !== 'string') return `domains[${index}] must be a string, got ${typeName(entry)}`;
    const host = parseDomainEntry(entry);
    if (typeof host !== 'string') return `domains[${index}] ${JSON.stringify(entry)} ${host.reason}`;
    hosts.add(host);
  }
  return Object.freeze({ domains: hosts, allowLan: options.allowLan === true });
}
