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
import { mustBe } from './option-keys.js';

/** A parsed, validated list of legal socket domains (lower-case ASCII hosts). */
export interface DomainPolicy {
  /** The listed hosts, lower-case ASCII, without scheme, port or trailing dot. */
  readonly domains: ReadonlySet<string>;
  /** Whether LAN IPv4 addresses (10/8, 172.16/12, 192.168/16) pass without being listed (base library 2.4.0+). */
  readonly allowLan: boolean;
}

/** A host[:port] that passed the strict grammar. */
interface Authority {
  /** Lower-case ASCII. For an IPv4 address, canonical dotted decimal. */
  readonly host: string;
  readonly ipv4: boolean;
  /** The port's digits as written (canonical by then), or `''` when there is none. */
  readonly port: string;
}

/**
 * Characters refused anywhere in an authority, named in the reason (`contains "@"`). Every one is something the
 * WHATWG parser would silently rewrite or read otherwise, so a host containing one can never honestly equal a listed
 * host:
 * - `wss://good.com@evil.com` connects to evil.com: whatever precedes `@` is userinfo, not the host;
 * - WHATWG treats `\` as `/` in wss URLs: `wss://evil.com\@good.com` connects to evil.com;
 * - WHATWG percent-decodes hosts: `chat%2eexample.com` becomes `chat.example.com`. Nothing legal needs `%` here;
 * - WHATWG strips tab/CR/LF anywhere and leading/trailing C0 controls and spaces: `chat.exa<TAB>mple.com`;
 * - `*` is no wildcard: domains match exactly.
 */
const REFUSED_CHARACTER = /[@\\%*\0- \x7f]/;

const INVALID_DOMAIN = 'is not a valid domain';

/** One DNS label (RFC 1035, the LDH rule): 1 to 63 letters, digits or hyphens, no hyphen first or last. */
const LABEL = /^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/;

/**
 * Parses `host[:port]` strictly: the host is DNS labels of `[a-z0-9-]`, the port canonical digits. Returns the
 * authority, or why it was refused. Every rule refuses something the WHATWG parser would silently rewrite.
 */
function parseAuthority(authority: string): Authority | string {
  const refused = REFUSED_CHARACTER.exec(authority);
  if (refused) return `contains ${JSON.stringify(refused[0])}`;
  // IDNA maps full-width letters, `。`, the Kelvin sign, soft hyphens and zero-width spaces onto ASCII, and another
  // script's look-alikes (Cyrillic `а`) onto a punycode host. Only plain ASCII can equal a listed host honestly.
  if (/[^\0-\x7f]/.test(authority)) return 'is not ASCII; list its punycode (xn--) form';
  // Brackets hold an IPv6 literal, an IP address. The LAN rule of 2.4.0 names IPv4 ranges only, so IPv6 literals
  // (including IPv4-mapped ones such as `[::ffff:10.0.0.1]`) are always refused. [ours]
  if (authority.startsWith('[')) return 'is an IPv6 address';
  const colon = authority.indexOf(':');
  const rawHost = colon === -1 ? authority : authority.slice(0, colon);
  const port = colon === -1 ? '' : authority.slice(colon + 1);
  // Digits only, canonical, 1-65535. WHATWG accepts an empty port (`host:`), `0` and leading zeros; none has a
  // legitimate use, so we refuse them rather than reason about what each client does with them. [ours]
  if (colon !== -1 && !(/^[1-9]\d{0,4}$/.test(port) && Number(port) <= 65535)) {
    return 'has an invalid port (want 1-65535, no leading zero)';
  }
  if (rawHost === '') return 'has no host';
  // A trailing dot makes a different, absolute name (`chat.example.com.`) that still resolves to the same server:
  // refuse rather than match it. WHATWG keeps it in `hostname` for domains but drops it for IPv4 (`10.0.0.1.`).
  if (rawHost.endsWith('.')) return 'ends with a dot';
  // Only ASCII is left (checked above), so no Unicode case mapping (the Kelvin sign to `k`) can apply here.
  const host = rawHost.toLowerCase();
  const labels = host.split('.');
  if (host.length > 253 || !labels.every((label) => LABEL.test(label))) return INVALID_DOMAIN;

  // WHATWG "ends in a number": when the last label is all digits or `0x` hex, the whole host is read as an IPv4
  // address, whose parts may be octal (`010`), hex (`0xa`), or merged (`167772161`, `10.1`). Only the canonical
  // dotted-decimal form is kept as an address; every other numeric form is an IP in disguise.
  if (/^(\d+|0x[\da-f]*)$/.test(labels[labels.length - 1]!)) {
    const isOctet = (part: string): boolean => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255;
    if (labels.length !== 4 || !labels.every(isOctet))
      return 'is a non-canonical IPv4 address (octal, hex, decimal or short)';
    return { host, ipv4: true, port };
  }
  return { host, ipv4: false, port };
}

/**
 * Why a host that passed the grammar still cannot be opened: an IP address (except a LAN IPv4 address when
 * `allowLan`, RFC 1918: 10/8, 172.16/12, 192.168/16), or `localhost` and its subdomains, which resolvers map to
 * loopback too (RFC 6761 §6.3). [ours]
 */
function hostRefusal({ host, ipv4 }: Authority, allowLan: boolean): string | undefined {
  if (ipv4) {
    const [a, b = -1] = host.split('.').map(Number);
    const lan = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    return allowLan && lan ? undefined : 'is an IP address (LAN ones pass unlisted from 2.4.0)';
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is localhost';
  return undefined;
}

/** The second, independent guard: what the WHATWG parser (hence `ws` and browsers) would connect to. */
function whatwgAgrees(url: string, authority: Authority): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'wss:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.hostname === authority.host &&
      parsed.port === (authority.port === '443' ? '' : authority.port) // WHATWG drops the default port
    );
  } catch {
    return false;
  }
}

/**
 * Explains why `url` may not be opened under `policy`, or returns `undefined` when it may. The reason is for
 * diagnostics (logs, `cause`, the CLI); WeChat's own error text is always `url not in domain list`.
 */
export function urlRefusal(url: string, policy: DomainPolicy): string | undefined {
  if (typeof url !== 'string') return 'is not a string';
  // §5: only wss passes the domain check, even for a listed host; `ws://` passed only the earlier URL regex.
  // Matched exactly at index 0 (WHATWG would also strip leading spaces and accept `wss:/host` or `wss:\\host`);
  // without the `u` flag, `i` matches ASCII letters only.
  if (!/^wss:\/\//i.test(url)) return 'scheme is not wss://';
  // The authority runs to the first `/`, `?`, `#` or the end. What follows is path, query or fragment, not part of
  // the host, so `wss://chat.example.com/?a=@evil.com` is fine (WHATWG agrees; the second guard checks it).
  const authority = parseAuthority(url.slice(6).split(/[/?#]/, 1)[0]!);
  if (typeof authority === 'string') return `authority ${authority}`;
  const { host } = authority;
  // §5: IP addresses are refused, except LAN ones from base library 2.4.0 on (listed-or-LAN) [lib]. Domains match
  // exactly, case-insensitively; no parent-domain or wildcard matching. Any port is fine for wss.
  const refusal = hostRefusal(authority, policy.allowLan);
  if (refusal) return `host ${host} ${refusal}`;
  if (!authority.ipv4 && !policy.domains.has(host)) return `host ${host} is not in the domain list`;
  if (!whatwgAgrees(url, authority)) return 'the WHATWG URL parser reads another host';
  return undefined;
}

/** True when `url` (already known to pass the `ws://`/`wss://` pattern of §1 step 3) may be opened (§5). */
export function isUrlAllowed(url: string, policy: DomainPolicy): boolean {
  return urlRefusal(url, policy) === undefined;
}

/** Parses one `domains` entry into its host, or the reason it is invalid. */
function parseDomainEntry(entry: string): Authority | string {
  let rest = entry;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(entry);
  if (scheme !== null) {
    // Socket domains are configured as `wss://host` in the admin console; `ws://`/`https://` entries are for
    // other APIs or not allowed at all, and accepting them would suggest they permit something. [doc]
    if (scheme[0].toLowerCase() !== 'wss://') return 'must be a wss:// domain';
    rest = entry.slice(scheme[0].length);
  }
  // One trailing slash is accepted, as `wss://host/` is how such entries are often copied.
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (/[/?#]/.test(rest)) return 'has a path, query or fragment';
  const authority = parseAuthority(rest);
  if (typeof authority === 'string') return authority;
  const refusal = hostRefusal(authority, false);
  if (refusal) return refusal;
  // The entry must be exactly what WHATWG makes of it, or no URL could ever match it: this refuses invalid
  // punycode such as `xn--a.com`. The port of an entry is accepted and ignored: §5 allows any port for wss. [ours]
  return whatwgAgrees(`wss://${rest}`, authority) ? authority : INVALID_DOMAIN;
}

/**
 * Validates the `domains` option of `createWx` (§5). Returns the policy, or a message for the `TypeError` that
 * `createWx` throws, e.g. `domains[2] "wss://a b" contains " "`.
 *
 * Accepted entries: `host`, `host:port`, `wss://host`, `wss://host:port`, each with an optional trailing `/`; the
 * scheme is case-insensitive, the host is stored lower-case and a port is ignored (any port is allowed for wss).
 * Refused: other schemes (`ws://`, `https://`), paths, queries, fragments, wildcards, IP addresses, `localhost`
 * (and `*.localhost`), userinfo, trailing dots, non-ASCII hosts (list the `xn--` form), invalid punycode.
 */
export function createDomainPolicy(domains: readonly unknown[], options: { allowLan: boolean }): DomainPolicy | string {
  const hosts = new Set<string>();
  for (const [index, entry] of domains.entries()) {
    if (typeof entry !== 'string') return mustBe(`domains[${index}]`, 'a string', entry);
    const parsed = parseDomainEntry(entry);
    if (typeof parsed === 'string') return `domains[${index}] ${JSON.stringify(entry)} ${parsed}`;
    hosts.add(parsed.host);
  }
  return Object.freeze({ domains: hosts, allowLan: options.allowLan === true });
}
