/**
 * What a test server hands to `createWx`: `createWx({...server.wxOptions})` trusts the server's test CA and, when
 * the server has a host name of its own, resolves that name to 127.0.0.1 without touching DNS or /etc/hosts.
 */
import type { Transport } from '../transport.js';
import { wsTransport } from '../transports/ws.js';

/** The `createWx` options a test server provides. */
export interface TestServerWxOptions {
  /** Trust in the test CA (wss servers only). */
  readonly tls?: { readonly ca: readonly string[] };
  /** A transport resolving the server's host name to 127.0.0.1 (servers with a `hostname` only). */
  readonly transport?: Transport;
}

/** Builds a server's {@link TestServerWxOptions}. */
export function wxOptionsFor(caPem: string | undefined, hostname: string | undefined): TestServerWxOptions {
  return {
    ...(caPem !== undefined && { tls: { ca: [caPem] } }),
    ...(hostname !== undefined && { transport: wsTransport({ hosts: { [hostname]: '127.0.0.1' } }) }),
  };
}
