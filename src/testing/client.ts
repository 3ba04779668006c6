/**
 * The server's side of one test connection: what the client sent, awaitable, and the means to answer it, close it
 * or break it.
 */
import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { firstUnknownKey, unknownOption } from '../option-keys.js';
import { applyConnectionFault, faultProblem, isHandshakeFault, type ConnectionFault, type Fault } from './faults.js';
import { WaitQueue, withTimeout, type WaitOptions } from './waiting.js';

/** An opening handshake request as the server received it. */
export interface HandshakeRequest {
  /** 1 for the first upgrade request the server received, then 2, ... */
  readonly number: number;
  /** The TCP connection it arrived on (see `server.connectionCount`). */
  readonly connection: number;
  /** The request target: path and query, e.g. `/chat?room=1`. */
  readonly url: string;
  /** The request headers, names in lower case, repeated ones joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request headers as sent: names as written, in order, alternating name and value. */
  readonly rawHeaders: readonly string[];
  /** The subprotocols the client offered, in order; empty when none. */
  readonly protocols: readonly string[];
}

/** A message the client sent: text as a `string`, binary as a `Buffer`. */
export interface TestMessage {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** How a connection ended, as the server saw it. */
export interface CloseInfo {
  /** The code of the client's close frame; 1005 when it had none, 1006 when no close frame came. */
  readonly code: number;
  /** The reason of the client's close frame, or `''`. */
  readonly reason: string;
}

/** What a `send` accepts: a string is sent as text, bytes as binary. */
export type TestData = string | ArrayBuffer | ArrayBufferView;

/**
 * One connection of the test server. Messages and the close are queued as they happen, so a test awaiting them
 * never misses one that arrived earlier. Every wait takes `{timeout}` (default 5000 ms).
 */
export class TestClient {
  /** The handshake request that opened this connection. */
  readonly request: HandshakeRequest;
  /** The server's end of the connection, from `ws`: the escape hatch for anything not covered here. */
  readonly ws: WebSocket;

  readonly #stream: Duplex;
  readonly #tcp: Socket;
  readonly #received: TestMessage[] = [];
  readonly #queue = new WaitQueue<TestMessage>();
  readonly #listeners = new Set<(message: TestMessage) => void>();
  readonly #errors: Error[] = [];
  readonly #closeWaiters = new Set<(info: CloseInfo) => void>();
  readonly #pongWaiters = new Set<() => void>();
  #closed: CloseInfo | undefined;
  #pongs = 0;

  /** @internal Made by the test server for each connection it opens. */
  constructor(ws: WebSocket, stream: Duplex, tcp: Socket, request: HandshakeRequest) {
    this.ws = ws;
    this.#stream = stream;
    this.#tcp = tcp;
    this.request = request;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const message: TestMessage = isBinary ? { data, binary: true } : { data: data.toString('utf8'), binary: false };
      this.#received.push(message);
      this.#queue.push(message);
      for (const listener of this.#listeners) listener(message);
    });
    ws.on('pong', () => {
      this.#pongs += 1;
      for (const waiter of this.#pongWaiters) waiter();
    });
    // Protocol errors of the client (kept for inspection); `ws` then closes the connection.
    ws.on('error', (error: Error) => this.#errors.push(error));
    ws.on('close', (code: number, reason: Buffer) => {
      const info: CloseInfo = { code, reason: reason.toString('utf8') };
      this.#closed = info;
      this.#queue.end(() => new Error(`The connection closed (code ${code}) before the awaited message arrived`));
      for (const waiter of this.#closeWaiters) waiter(info);
      for (const waiter of this.#pongWaiters) waiter();
    });
  }

  /** The subprotocol selected in the handshake, or `''`. */
  get protocol(): string {
    return this.ws.protocol;
  }

  /** Whether the connection is open (not closing or closed). */
  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Every message received so far, in order, including those already returned by `nextMessage`. */
  get messages(): readonly TestMessage[] {
    return [...this.#received];
  }

  /** Errors `ws` reported about what the client sent (e.g. an invalid frame); the connection closed after each. */
  get errors(): readonly Error[] {
    return [...this.#errors];
  }

  /** Pongs received so far (answers to `ping-flood` or `ws.ping()`). */
  get pongCount(): number {
    return this.#pongs;
  }

  /** How the connection ended, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closed;
  }

  /** Resolves with the oldest message not yet returned; rejects if the connection closes first. */
  nextMessage(options?: WaitOptions): Promise<TestMessage> {
    return this.#queue.next('a message from the client', options);
  }

  /** Calls `listener` for every message from now on (a handler's way to answer). Returns a function removing it. */
  onMessage(listener: (message: TestMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends a message: a string as text, bytes as binary. Resolves once `ws` has written it. */
  send(data: TestData, options: { binary?: boolean } = {}): Promise<void> {
    const unknown = firstUnknownKey(options, ['binary']);
    if (unknown !== undefined)
      return Promise.reject(new TypeError(`client.send: ${unknownOption(unknown, ['binary'])}`));
    const payload = typeof data === 'string' ? data : toBuffer(data);
    const binary = options.binary ?? typeof data !== 'string';
    return new Promise((resolve, reject) => {
      if (!this.isOpen) {
        reject(new Error(`Cannot send: the connection is not open (readyState ${this.ws.readyState})`));
        return;
      }
      this.ws.send(payload, { binary }, (error) => (error === undefined || error === null ? resolve() : reject(error)));
    });
  }

  /**
   * Starts the closing handshake with `code` and `reason` (`ws` checks them) and resolves with the client's answer
   * once the connection is closed.
   */
  close(code = 1000, reason = '', options?: WaitOptions): Promise<CloseInfo> {
    try {
      this.ws.close(code, reason);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.waitForClose(options);
  }

  /** Resolves once the connection is closed, with the client's close code and reason (1006 if none came). */
  waitForClose(options?: WaitOptions): Promise<CloseInfo> {
    return withTimeout('the connection to close', options ?? {}, (resolve) => {
      if (this.#closed !== undefined) {
        resolve(this.#closed);
        return () => undefined;
      }
      this.#closeWaiters.add(resolve);
      return () => this.#closeWaiters.delete(resolve);
    });
  }

  /** Resolves once `count` pongs in total have been received; rejects if the connection closes first. */
  waitForPongs(count: number, options?: WaitOptions): Promise<void> {
    return withTimeout(`${count} pongs (received ${this.#pongs})`, options ?? {}, (resolve, reject) => {
      const check = (): void => {
        if (this.#pongs >= count) {
          this.#pongWaiters.delete(check);
          resolve();
        } else if (this.#closed !== undefined) {
          this.#pongWaiters.delete(check);
          reject(new Error(`The connection closed after ${this.#pongs} of ${count} pongs`));
        }
      };
      this.#pongWaiters.add(check);
      check();
      return () => this.#pongWaiters.delete(check);
    });
  }

  /** Carries out a connection fault now. Resolves once its bytes are written (or at once, for `drop`/`slow-reader`). */
  inject(fault: ConnectionFault): Promise<void> {
    const problem = faultProblem(fault);
    if (problem !== undefined) return Promise.reject(new TypeError(`client.inject: ${problem}`));
    if (isHandshakeFault(fault)) {
      return Promise.reject(
        new TypeError(
          `client.inject: "${(fault as Fault).type}" is a handshake fault, which acts before a connection opens: set it with createTestServer({fault}) or server.setFault()`,
        ),
      );
    }
    return applyConnectionFault({ stream: this.#stream, tcp: this.#tcp, ws: this.ws }, fault);
  }

  /** Stops reading from the client, so what it sends backs up (the `slow-reader` fault). */
  pause(): void {
    this.ws.pause();
  }

  /** Reads from the client again after `pause()` or `slow-reader`. */
  resume(): void {
    this.ws.resume();
  }

  /** Destroys the connection at once, without a close frame (the `drop` fault). */
  terminate(): void {
    this.ws.terminate();
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
