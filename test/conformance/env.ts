/**
 * The conformance suite's view of the world, written once and run for every profile, base library version and
 * transport (MQTT.js's `abstractClientTests` pattern): on Node against the test kit directly
 * (test/conformance.test.ts), in Chromium through a control channel to a Node test server (test/browser/).
 *
 * Everything here is serialisable or async so that the browser can drive a server in another process: suites never
 * import Node built-ins nor the test kit.
 */
import type { ConnectionFault, HandshakeFault } from '../../src/testing/index.js';
import type { WxOptions } from '../../src/options.js';
import type { Wx } from '../../src/types.js';

/** How the server chooses a subprotocol among those offered: the first, none, or a fixed one. */
export type ProtocolChoice = 'first' | 'none' | { readonly fixed: string };

export interface ServerOptions {
  /** Serve wss with a generated CA (handed to `createWx` through `server.wxOptions`). */
  readonly secure?: boolean;
  /** A host name for the server, reachable through `server.wxOptions` (for the domain check). */
  readonly hostname?: string;
  /** Extra response headers on the 101. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly protocol?: ProtocolChoice;
  /** Echo every message back (default true). */
  readonly echo?: boolean;
  readonly fault?: HandshakeFault | ConnectionFault;
  /** Accept permessage-deflate when the client offers it (default false). */
  readonly perMessageDeflate?: boolean;
}

/** A message as the server received it. */
export interface ServerMessage {
  readonly data: string | ArrayBuffer;
  readonly binary: boolean;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** The handshake request as the server saw it; header names lower-case. */
export interface Handshake {
  readonly headers: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
}

/** One server-side connection. */
export interface ServerClient {
  nextMessage(): Promise<ServerMessage>;
  send(data: string | ArrayBuffer): Promise<void>;
  /** Closes with a close frame and resolves with the client's answer. */
  close(code?: number, reason?: string): Promise<CloseInfo>;
  waitForClose(): Promise<CloseInfo>;
  inject(fault: ConnectionFault): Promise<void>;
}

export interface ConformanceServer {
  readonly url: string;
  /** What `createWx` needs to reach this server (trust, host mapping). */
  readonly wxOptions: Readonly<WxOptions>;
  nextConnection(): Promise<ServerClient>;
  handshakes(): Promise<readonly Handshake[]>;
  /** TCP connections accepted so far. */
  connectionCount(): Promise<number>;
  close(): Promise<void>;
}

/** What the transport under test can do (a browser cannot send headers or trust a test CA). */
export interface Capabilities {
  readonly requestHeaders: boolean;
  readonly responseHeaders: boolean;
  /** wss with a test CA and host names mapped to 127.0.0.1. */
  readonly tls: boolean;
  /** Every `profile` field measured (not only `fetchStart` and `cost`). */
  readonly fullProfile: boolean;
  /**
   * A failed handshake says why: an HTTP status or bad upgrade (code:20) is told apart from a transport error
   * (code:2). A native WebSocket reports both as an `error` event and close 1006, so both become code:2.
   */
  readonly handshakeFailureDetail: boolean;
  /**
   * A connection dropped after open without a close frame also reports `onError` before `onClose` 1006. Node's own
   * WebSocket (undici) fires `error` on every abnormal closure; browsers and `ws` only when the peer broke the
   * protocol.
   */
  readonly errorOnDrop: boolean;
  /**
   * An end of stream (FIN) without a close frame is told from a reset, so profile `ios` reports it as 1001 "Stream
   * end encountered" (§9.3). A native WebSocket reports both as close 1006.
   */
  readonly tellsStreamEnd: boolean;
}

export interface ConformanceEnv {
  readonly label: string;
  readonly platform: 'android' | 'ios';
  /** The emulated base library version (the default when the env does not set one). */
  readonly SDKVersion: string;
  readonly capabilities: Capabilities;
  /** `createWx` with this env's platform, version and transport; `options` add to them. */
  createWx(options?: WxOptions): Wx;
  startServer(options?: ServerOptions): Promise<ConformanceServer>;
  /** Whether the emulated version is at least `version`. */
  atLeast(version: string): boolean;
}

export interface TestOptions {
  /** Skip with this reason. */
  readonly skip?: string | false;
}

/** Declares one test. Names read as sentences and start with the contract section they check. */
export type TestFn = (name: string, body: () => Promise<void>, options?: TestOptions) => void;

/** A suite: declares its tests for one env. */
export type Suite = (env: ConformanceEnv, test: TestFn) => void;
