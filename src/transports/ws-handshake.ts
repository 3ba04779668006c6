/**
 * What the `ws` transport's opening handshake needs besides its request and response (http-upgrade.ts): the TLS
 * settings, the fixed host names, the response headers as WeChat shows them, and the instants that make WeChat's
 * `profile`.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { SocketProfile, TransportRequest } from '../transport.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A secure context per set of extra CAs, built once: parsing the root store per connection is slow. */
const secureContexts = new WeakMap<readonly unknown[], SecureContext>();
let defaultSecureContext: SecureContext | undefined;

/**
 * The secure context of every wss connection, always given explicitly: without one, `tls.connect` builds a context
 * from its options object, an ordinary object whose missing `ca`, `ciphers`… are read through `Object.prototype`, so
 * a polluted prototype could add trust. The options of the context itself have no prototype, for the same reason.
 */
export function secureContextFor(ca: TransportRequest['ca']): SecureContext {
  if (ca.length === 0) return (defaultSecureContext ??= createSecureContext(noPrototype({ minVersion: 'TLSv1.2' })));
  let context = secureContexts.get(ca);
  if (!context) {
    // Extra trust is added to the system's, never in place of it (contract §1: "adds trust").
    const pems = ca.map((entry) => (typeof entry === 'string' ? entry : Buffer.from(entry)));
    context = createSecureContext(noPrototype({ ca: [...rootCertificates, ...pems], minVersion: 'TLSv1.2' }));
    secureContexts.set(ca, context);
  }
  return context;
}

const noPrototype = (options: SecureContextOptions): SecureContextOptions =>
  Object.assign(Object.create(null) as SecureContextOptions, options);

/**
 * Node's DNS lookup, loaded at the first name that `hosts` does not answer: `net` loads it only when it has a name to
 * look up, and a program that never does (addresses, or only fixed names) need not load it at all.
 */
let dnsLookup: Promise<typeof import('node:dns').lookup> | undefined;

/** A `lookup` for `net.connect` that answers the fixed host names, and asks DNS for the others. */
export function hostsLookup(hosts: ReadonlyMap<string, string>) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const address = hosts.get(hostname.toLowerCase());
    if (address === undefined) {
      // On a later job, not from within `net.connect`: a failure to ask (the lookup throws only on bad arguments, and
      // calls back only later) reaches the callback, and through `net` the socket.
      void (dnsLookup ??= import('node:dns').then((dns) => dns.lookup))
        .then((lookup) => lookup(hostname, options, callback as never))
        .catch((error: Error) => callback(error, ''));
      return;
    }
    const family = isIP(address);
    // Answer asynchronously, as DNS does: `net` emits 'lookup' from this callback, and the profile's timing listens
    // for it only once `net.connect` has returned.
    // A promise job: jest's default fake timers replace `queueMicrotask` (host-timers.ts).
    void Promise.resolve().then(() => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    });
  };
}

/**
 * The handshake response headers, names as the server sent them [ours: WeChat's header object is the server's];
 * a repeated header's values are joined with `, ` (RFC 9110 §5.3). A header named `__proto__` is defined as data,
 * so it cannot replace the object's prototype; every other name is assigned, which is several times cheaper.
 */
export function headersOf(rawHeaders: readonly string[]): Record<string, string> {
  const header: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = Object.hasOwn(header, name) ? `${header[name]}, ${rawHeaders[i + 1]}` : rawHeaders[i + 1]!;
    if (name === '__proto__')
      Object.defineProperty(header, name, { value, writable: true, enumerable: true, configurable: true });
    else header[name] = value;
  }
  return header;
}

/** The instants of one handshake, turned into WeChat's `profile` (see `SocketProfile` for each field's meaning). */
export class Timing {
  socketStart: number | undefined;
  lookedUp: number | undefined;
  connected: number | undefined;
  upgraded: number | undefined;

  constructor(readonly fetchStart: number) {}

  profile(openedAt: number): SocketProfile {
    const { fetchStart } = this;
    // No DNS lookup (an IP address): the lookup fields equal fetchStart, as WeChat documents.
    const domainLookUpStart = this.lookedUp === undefined ? fetchStart : (this.socketStart ?? fetchStart);
    const domainLookUpEnd = this.lookedUp ?? fetchStart;
    const connectStart = this.lookedUp ?? this.socketStart ?? fetchStart;
    const connectEnd = this.connected ?? connectStart;
    const upgraded = this.upgraded ?? openedAt;
    return {
      fetchStart,
      domainLookUpStart,
      domainLookUpEnd,
      connectStart,
      connectEnd,
      rtt: connectEnd - connectStart,
      handshakeCost: upgraded - connectEnd,
      cost: openedAt - fetchStart,
    };
  }
}
