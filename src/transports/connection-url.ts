/**
 * The URL a transport actually connects to, the same for every transport. No Node imports: browsers use it too.
 */

/**
 * `url` (a `ws:`/`wss:` URL that passed the core's checks) without what must not reach the server [ours,
 * docs/decisions.md]:
 * - the fragment, which means nothing to a WebSocket server (`ws` refuses it, WHATWG WebSocket drops it);
 * - the userinfo (`user:pw@`), which `ws` would send as `Authorization: Basic …`, in clear text over `ws://`.
 *   WeChat has no such feature, and Chromium does not send it with the handshake either.
 * A URL that cannot be parsed throws a `TypeError` here or in the transport: the transport failed to connect.
 */
export function connectionUrl(url: string): string {
  // Neither can be there without its delimiter: most URLs pass as given, unparsed here.
  if (!/[#@]/.test(url)) return url;
  const parsed = new URL(url);
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
