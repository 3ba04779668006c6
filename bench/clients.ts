/**
 * The clients under test, behind one small interface so that every workload drives them the same way:
 * - `ws`: raw `ws`, used as its own users use it (text read as a string, binary as its default Buffer);
 * - `wx`: wxsocket with WeChat's defaults (`tcpNoDelay: false`, so Nagle's algorithm is back on);
 * - `wx-nodelay`: wxsocket with `tcpNoDelay: true`, the same socket options as raw `ws`;
 * - `ws-control`: raw `ws` again, the paired method's control.
 * Each client gets the same listeners as the other: open, message, error, close.
 */
import type WebSocket from 'ws';
import type * as Library from '../src/node.js';

export const CLIENT_NAMES = ['ws', 'wx', 'wx-nodelay'] as const;
/**
 * The paired method (`paired.ts`) adds a second `ws` client, measured against the first as wx is: what it shows is
 * the method's own bias and noise, the control for every other ratio of the run.
 */
export const PAIRED_CLIENT_NAMES = ['ws', 'ws-control', 'wx', 'wx-nodelay'] as const;
export type ClientName = (typeof PAIRED_CLIENT_NAMES)[number];

/** A message as the client's users send it. */
export type Payload = string | Buffer | ArrayBuffer;

/** One open connection. */
export interface Connection {
  send(payload: Payload): void;
  /** Starts the closing handshake (code 1000) and resolves once the connection is closed. */
  close(): Promise<void>;
}

export interface Client {
  readonly name: ClientName;
  /** This client's idiomatic message of `size` bytes: a string for text, a Buffer (`ws`) or ArrayBuffer (`wx`). */
  payload(kind: 'text' | 'binary', size: number): Payload;
  /** Opens a connection; resolves once it is open. `onMessage` receives every message as the user gets it. */
  open(url: string, onMessage: (data: Payload) => void): Promise<Connection>;
}

/**
 * The order of the clients in turn `turn` of a run: rotated by one each turn (ABC, BCA, CAB, …), so that every
 * client takes every place equally often and none runs twice in a row (a client last in one turn and first in the
 * next would find the machine's caches warm with its own work, the echo server's too).
 */
export function clientOrder<T>(clients: readonly T[], turn: number): T[] {
  const shift = turn % clients.length;
  return [...clients.slice(shift), ...clients.slice(0, shift)];
}

/** Whether a client is wxsocket, and needs the built library. */
export const isWx = (name: ClientName): boolean => name.startsWith('wx');

type WebSocketClass = typeof WebSocket;

/**
 * What the clients are made of, as the driver process loaded it: `ws`'s `WebSocket` for the `ws` clients, the built
 * wxsocket for the `wx` clients. Passed in, not imported here, so that a driver that runs one client loads only its
 * module (the cold-start method, `cold-driver.ts`, times that loading).
 */
export interface ClientModules {
  readonly WebSocket?: WebSocketClass | undefined;
  readonly library?: typeof Library | undefined;
}

/** Makes a client from the modules it needs. */
export function createClient(name: ClientName, { WebSocket, library }: ClientModules): Client {
  if (!isWx(name)) {
    if (!WebSocket) throw new Error(`client ${name} needs ws`);
    return wsClient(WebSocket);
  }
  if (!library) throw new Error(`client ${name} needs the built library`);
  return wxClient(name, library, name === 'wx-nodelay');
}

const wsClient = (WebSocket: WebSocketClass): Client => ({
  name: 'ws',
  payload: (kind, size) => (kind === 'text' ? 'x'.repeat(size) : Buffer.alloc(size, 0x78)),
  open(url, onMessage) {
    // Compression off, as wxsocket asks by default (WeChat's `perMessageDeflate: false`): the same handshake.
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    // A wx user receives text as a string: a ws user who wants the text decodes it the same way.
    ws.on('message', (data, isBinary) => onMessage(isBinary ? (data as Buffer) : (data as Buffer).toString()));
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () =>
        resolve({
          send: (payload) => ws.send(payload),
          close: () => {
            ws.close(1000);
            return closed;
          },
        }),
      );
    });
  },
});

function wxClient(name: ClientName, library: typeof Library, tcpNoDelay: boolean): Client {
  // One mini program per process, with the connection limit raised for the 10,000-connection workload.
  const wx = library.createWx({ maxConnections: 20_000 });
  return {
    name,
    payload: (kind, size) => (kind === 'text' ? 'x'.repeat(size) : new ArrayBuffer(size)),
    open(url, onMessage) {
      // `tcpNoDelay` is passed only when true, so that `wx` runs exactly as WeChat's default call does.
      const task = wx.connectSocket(tcpNoDelay ? { url, tcpNoDelay } : { url });
      const closed = new Promise<void>((resolve) => task.onClose(() => resolve()));
      task.onMessage(({ data }) => onMessage(data));
      return new Promise((resolve, reject) => {
        task.onError((result) => reject(new Error(result.errMsg)));
        task.onOpen(() =>
          resolve({
            send: (data) => void task.send({ data: data as string | ArrayBuffer }),
            close: () => {
              void task.close({ code: 1000 });
              return closed;
            },
          }),
        );
      });
    },
  };
}
