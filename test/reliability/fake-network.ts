/**
 * A scripted in-memory transport for the property tests: thousands of cases without opening a socket. Each
 * connection behaves as its request's URL (or a chooser) says: opens, is refused, answers a bad upgrade, hangs, throws
 * from the transport call, or reports a failure before it even returns (then again, in order). It keeps books on
 * what the core does with it, so a test can assert that every connection was released and the core never used one
 * after letting it go.
 *
 * It follows the transport contract (src/transport.ts): nothing is reported before the call returns (except the
 * `early-failure` behaviour, which breaks that rule on purpose: the core ignores and reports those calls), `onClose`
 * exactly once and last, every `send` callback exactly once. `transportFaults` counts what the core should report as
 * the transport's own errors and bugs.
 */
import type {
  SocketProfile,
  Transport,
  TransportConnection,
  TransportHandlers,
  TransportRequest,
} from '../../src/transport.js';

export const BEHAVIOURS = [
  'open',
  'open-then-message',
  'open-then-drop',
  'open-then-protocol-error',
  'open-then-server-close',
  'refuse',
  'bad-upgrade',
  'hang',
  'throw',
  'early-failure',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** A socket profile of all zeros, as a fake connection reports on open; other tests' transports use it too. */
export const PROFILE: SocketProfile = {
  fetchStart: 0,
  domainLookUpStart: 0,
  domainLookUpEnd: 0,
  connectStart: 0,
  connectEnd: 0,
  rtt: 0,
  handshakeCost: 0,
  cost: 0,
};

const later = (fn: () => void) => void setImmediate(fn);

/** One fake connection's books. */
class FakeConnection implements TransportConnection {
  readonly request: TransportRequest;
  readonly #network: FakeNetwork;
  readonly #handlers: TransportHandlers;
  /** `onClose` reported (or about to be): the connection is gone. */
  #ended = false;
  /** The core let go of it (`abort`) or asked to close it. */
  #released = false;
  #opened = false;
  bufferedAmount = 0;

  constructor(network: FakeNetwork, request: TransportRequest, handlers: TransportHandlers) {
    this.#network = network;
    this.request = request;
    this.#handlers = handlers;
  }

  get ended(): boolean {
    return this.#ended;
  }

  start(behaviour: Behaviour): void {
    switch (behaviour) {
      case 'open':
        return later(() => this.#open());
      case 'open-then-message':
        return later(() => {
          this.#open();
          later(() => this.#message());
        });
      case 'open-then-drop':
        return later(() => {
          this.#open();
          later(() => this.#end(1006, ''));
        });
      case 'open-then-protocol-error':
        return later(() => {
          this.#open();
          later(() => this.#fail('protocol', 'Invalid WebSocket frame: invalid opcode 3'));
        });
      case 'open-then-server-close':
        return later(() => {
          this.#open();
          later(() => this.#end(4000, 'server says bye'));
        });
      case 'refuse':
        return later(() => this.#fail('transport', 'connect ECONNREFUSED'));
      case 'bad-upgrade':
        return later(() => this.#fail('handshake', 'Unexpected server response: 403'));
      case 'hang':
      case 'throw':
        return;
      case 'early-failure':
        // Breaks "handlers must not be called before the function has returned": the core ignores both calls and
        // reports each as a transport bug. The connection then fails again, in order, as a refused one does.
        this.#network.transportFaults += 2;
        this.#handlers.onError('transport', new Error('failed before returning'));
        this.#handlers.onClose(1006, '');
        return later(() => this.#fail('transport', 'connect ECONNREFUSED'));
    }
  }

  /** The network goes away: a connecting connection is refused, an open one drops. */
  teardown(): void {
    if (this.#ended) return;
    if (this.#opened) this.#end(1006, '');
    else this.#fail('transport', 'network torn down');
  }

  #open(): void {
    if (this.#ended || this.#released) return;
    this.#opened = true;
    this.#handlers.onOpen({ 'x-fake': 'yes' }, { ...PROFILE });
  }

  #message(): void {
    if (this.#ended || this.#released) return;
    this.#handlers.onMessage('fake message');
    this.#handlers.onMessage(new Uint8Array([1, 2, 3]).buffer);
  }

  #fail(kind: 'transport' | 'handshake' | 'protocol', message: string): void {
    if (this.#ended) return;
    this.#handlers.onError(kind, new Error(message));
    this.#end(1006, '');
  }

  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#network.ended(this);
    this.#handlers.onClose(code, reason);
  }

  send(data: string | ArrayBuffer, done?: (error?: Error) => void): void {
    if (this.#released || this.#ended || !this.#opened)
      this.#network.misuse.push(
        `send on a ${this.#ended ? 'closed' : this.#released ? 'released' : 'connecting'} connection`,
      );
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer))
      this.#network.misuse.push(`send of ${Object.prototype.toString.call(data)}`);
    const gone = this.#ended;
    this.#network.pendingSends += 1;
    later(() => {
      this.#network.pendingSends -= 1;
      done?.(gone || this.#ended ? new Error('not connected') : undefined);
    });
  }

  close(code: number, reason: string): void {
    if (this.#released || this.#ended) this.#network.misuse.push('close on a released connection');
    if (!(code === 1000 || (code >= 3000 && code <= 4999)) || new TextEncoder().encode(reason).length > 123) {
      this.#network.misuse.push(`close with an invalid code or reason: ${code}`);
    }
    this.#released = true;
    later(() => this.#end(code, reason));
  }

  abort(): void {
    this.#released = true;
    later(() => this.#end(1006, ''));
  }
}

/** A fake network: a transport plus the books of every connection it made. */
export class FakeNetwork {
  readonly requests: TransportRequest[] = [];
  /** Misuse of a connection by the core (send after release, close with an invalid code…): must stay empty. */
  readonly misuse: string[] = [];
  /** Connections not yet ended. */
  readonly live = new Set<FakeConnection>();
  pendingSends = 0;
  /** Transport errors and bugs the core should have reported (a throwing transport call, handlers out of order). */
  transportFaults = 0;
  readonly #choose: (request: TransportRequest) => Behaviour;

  /** `choose` picks each connection's behaviour; by default the URL's host names it (`ws://refuse.fake/`). */
  constructor(choose?: (request: TransportRequest) => Behaviour) {
    this.#choose = choose ?? behaviourOfUrl;
  }

  readonly transport: Transport = (request, handlers) => {
    const behaviour = this.#choose(request);
    this.requests.push(request);
    if (behaviour === 'throw') {
      this.transportFaults += 1;
      throw new TypeError(`Invalid URL: ${request.url.slice(0, 40)}`);
    }
    const connection = new FakeConnection(this, request, handlers);
    this.live.add(connection);
    connection.start(behaviour);
    return connection;
  };

  ended(connection: FakeConnection): void {
    this.live.delete(connection);
  }

  /** Ends every connection still there, as a network going away would. */
  teardown(): void {
    for (const connection of [...this.live]) connection.teardown();
  }

  /** Nothing live, no send callback pending. */
  get quiet(): boolean {
    return this.live.size === 0 && this.pendingSends === 0;
  }
}

/** The behaviour a URL's host names (`wss://hang.fake/x`); `open` for any other host. */
export function behaviourOfUrl(request: TransportRequest): Behaviour {
  const match = /^wss?:\/\/([a-z-]+)\.fake(?:[:/?#]|$)/i.exec(request.url);
  const named = match?.[1]?.toLowerCase();
  return (BEHAVIOURS as readonly string[]).includes(named ?? '') ? (named as Behaviour) : 'open';
}

/** A URL that makes the fake network behave as `behaviour`. */
export function fakeUrl(behaviour: Behaviour, secure = true): string {
  return `${secure ? 'wss' : 'ws'}://${behaviour}.fake/socket`;
}
