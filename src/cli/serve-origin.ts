/**
 * Which browser pages may connect to `wxsocket serve`. A browser sends `Origin` with every WebSocket handshake and
 * lets any page open a socket to 127.0.0.1, so without this check a web page open in the developer's browser could
 * read everything the server broadcasts. Pages served from the developer's own machine (loopback origins) are
 * allowed, and those named with `--allow-origin`; clients that send no Origin (WeChat, `wxsocket connect`, native
 * libraries) are not browsers and always may.
 */
import { isIP } from 'node:net';
import { UsageError } from './args.js';

/** Reads `--allow-origin` values: `scheme://host[:port]` as a browser sends it, `null`, or `*` for any page. */
export function parseOrigins(entries: readonly string[] | undefined): string[] {
  return (entries ?? []).map((entry) => {
    if (entry === '*' || entry === 'null') return entry;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new UsageError(
        `--allow-origin wants an origin such as https://app.example.com (or * for any page), got ${JSON.stringify(entry)}`,
        'serve',
      );
    }
    if (url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || entry.endsWith('/'))
      throw new UsageError(
        `--allow-origin wants an origin: scheme, host and port only, e.g. ${url.origin === 'null' ? 'https://app.example.com' : url.origin}; got ${JSON.stringify(entry)}`,
        'serve',
      );
    return url.origin;
  });
}

/** Whether a page from `origin` (a handshake's Origin header) may connect. */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return false; // `null` (a file or a sandboxed page) and anything unparsable
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
