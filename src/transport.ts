/**
 * The transport boundary: the only thing the core knows about the WebSocket client underneath.
 *
 * A transport opens one connection per call and reports what happens on it through the handlers. The core owns
 * every WeChat rule (validation, state, timeouts, event order, error texts); a transport only moves bytes and
 * reports facts. Node uses `ws` (`transports/ws.ts`), browsers the native `WebSocket` (`transports/native.ts`);
 * tests may inject their own.
 */

/** Timing of the opening handshake, as WeChat's `SocketProfile` reports it (epoch milliseconds and durations). */
export interface SocketProfile {
  /** When the connection attempt began. */
  fetchStart: number;
  /** When the DNS lookup began; `fetchStart` when there was none. */
  domainLookUpStart: number;
  /** When the DNS lookup ended; `fetchStart` when there was none. */
  domainLookUpEnd: number;
  /** When the TCP connection began. */
  connectStart: number;
  /** When the connection (TCP, and TLS for wss) was established. */
  connectEnd: number;
  /** Duration of establishing the connection, TCP and TLS: `connectEnd - connectStart`. */
  rtt: number;
  /** Duration of the WebSocket opening handshake: from the upgrade request to its response. */
  handshakeCost: number;
  /** Duration of the whole attempt: from `fetchStart` to open. */
  cost: number;
}

/** What the core asks a transport to open. Every field is already validated and normalised. */
export interface TransportRequest {
  /** A `ws:` or `wss:` URL. */
  readonly url: string;
  /**
   * Request headers to send, names as given (the core has already dropped forbidden ones), with WeChat's `Referer`
   * and `User-Agent`. Made by the Node entry only: in the browser entry, whose `WebSocket` sends the browser's own,
   * this is `{}`. Read them, never change them: requests without headers of the caller's share one object.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Subprotocols to request; empty for none. */
  readonly protocols: readonly string[];
  /** Whether to offer permessage-deflate. */
  readonly perMessageDeflate: boolean;
  /** Whether to set TCP_NODELAY on the socket. */
  readonly tcpNoDelay: boolean;
  /** Largest incoming message accepted, in bytes; a larger one fails the connection. */
  readonly maxMessageSize: number;
  /** Extra certificate authorities to trust besides the system ones (PEM, as text or bytes). */
  readonly ca: readonly (string | Uint8Array)[];
  /**
   * The emulated network link this connection goes through (contract §8.3, a weak network), or absent for none. A
   * transport that honours it delays and throttles the connection's bytes per direction as `link.conditions` says at
   * the moment they enter the link; one that cannot (the native transport) ignores it. Absent: no shaping and no
   * cost at all.
   */
  readonly link?: NetworkLink | undefined;
}

/** The conditions of one direction of a link. Each field absent or 0 means no limit of that kind. */
export interface LinkDirection {
  /** One-way delay added to every byte, in milliseconds. */
  readonly latency?: number;
  /**
   * Extra delay, random between 0 and `jitter` milliseconds, per chunk of bytes. Bytes are never reordered: a chunk
   * never leaves before the one ahead of it.
   */
  readonly jitter?: number;
  /** Throughput in bytes per second. */
  readonly bandwidth?: number;
}

/** A link's conditions, per direction. */
export interface LinkConditions {
  /** Client to server: the upgrade request and every message sent. */
  readonly up?: LinkDirection;
  /** Server to client: the upgrade response and every message received. */
  readonly down?: LinkDirection;
}

/**
 * A live source of link conditions, owned by whatever emulates the network (the field controls of §8) and shared by
 * the connections that go through it. Transports read `conditions` each time bytes enter the link, so a change
 * applies to open connections from their next bytes on; bytes already in flight keep the delay they were given, as on
 * a real network. `undefined` means no shaping: bytes pass as soon as those ahead of them have. The link never loses,
 * reorders or duplicates a byte (§0.7).
 */
export interface NetworkLink {
  readonly conditions: LinkConditions | undefined;
}

/**
 * How a connection failed, as the core needs to know it to choose WeChat's error text:
 * - `dns`: the host name did not resolve (any DNS failure, temporary ones included);
 * - `tls`: the TLS handshake failed (untrusted, expired or misnamed certificate, a version below 1.2);
 * - `transport`: no HTTP response for another reason (refused, reset), or a transport that cannot tell which;
 * - `handshake`: an HTTP response that is not a valid upgrade (status other than 101, bad accept key, unrequested
 *   subprotocol or extension, requested subprotocol not selected);
 * - `protocol`: after open, the peer broke the WebSocket protocol or sent too large a message; a connection that
 *   fails after open for any other reason (a reset) is `transport`.
 * A kind the core does not know counts as `transport` (contract §9.2: WeChat's code 2).
 */
export type TransportFailureKind = 'dns' | 'tls' | 'transport' | 'handshake' | 'protocol';

/** Facts reported by the transport. Each connection reports `onOpen` at most once and `onClose` exactly once, last. */
export interface TransportHandlers {
  /** The handshake succeeded. `header` holds the response headers as the server sent them. */
  onOpen(header: Record<string, string>, profile: SocketProfile): void;
  /** A complete message: a `string` for text, an `ArrayBuffer` of exactly the message's length for binary. */
  onMessage(data: string | ArrayBuffer): void;
  /**
   * The connection failed; `onClose` follows. Reported at most once, and after open only when no close frame arrived
   * (a reset after the peer's close frame ends a clean close). After open, `cause.message` is the `onError` text:
   * the project's own words (`errmsg-after-open.ts` for `ws`'s failures), never a dependency's; empty reads as
   * `abnormal closure`. Before open the text is the core's, chosen by `kind`.
   */
  onError(kind: TransportFailureKind, cause: Error): void;
  /**
   * The connection is closed and every resource is released. `code`/`reason` are those of the peer's close frame,
   * or 1006 and `''` when none arrived. `streamEnded`: no close frame arrived, and the peer ended the TCP stream
   * (FIN) rather than resetting it (contract §9.3); a transport that cannot tell leaves it out.
   */
  onClose(code: number, reason: string, streamEnded?: boolean): void;
}

/** One open (or opening) connection. */
export interface TransportConnection {
  /**
   * Sends one message. `done` (when given) is called once, when the transport has handed the data to the network
   * (with an error if it could not); callers use it for flow control.
   */
  send(data: string | ArrayBuffer, done?: (error?: Error) => void): void;
  /** Starts the closing handshake with a valid code and reason (already checked by the core). */
  close(code: number, reason: string): void;
  /**
   * Abandons the connection at once (during the handshake, or when the core gives up on it). The transport still
   * reports `onClose` once everything is released, but the core no longer listens.
   */
  abort(): void;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
}

/**
 * Opens connections. `createWx({transport})` takes one of these. Handlers must not be called before the function
 * has returned the connection, and in the order `TransportHandlers` says: the core ignores a call out of order and
 * reports it to `reportError` as the transport's bug. Throwing (e.g. for a URL the client cannot parse) counts as a
 * transport failure (`code:2`); what the function or a connection's method throws is reported too.
 */
export type Transport = (request: TransportRequest, handlers: TransportHandlers) => TransportConnection;
