// A plain `ws` client for testing the test server itself, below the wx layer: it records what happened, in order.
import WebSocket, { type ClientOptions } from 'ws';

export interface WsOutcome {
  /** Events in order: `open`, `message`, `error`, `close`. */
  readonly events: string[];
  readonly messages: Array<{ data: string | Buffer; binary: boolean }>;
  readonly error: (Error & { code?: string }) | undefined;
  readonly code: number;
  readonly reason: string;
}

/** A connected (or failing) `ws` client and a promise of how it ended. */
export interface WsRun {
  readonly ws: WebSocket;
  /** Resolves once the client is open; rejects with its error if it never opens. */
  readonly opened: Promise<void>;
  /** Resolves on 'close' with everything that happened. */
  readonly ended: Promise<WsOutcome>;
}

export function runWs(url: string, protocols: string[] = [], options: ClientOptions = {}): WsRun {
  const ws = new WebSocket(url, protocols, options);
  const events: string[] = [];
  const messages: WsOutcome['messages'] = [];
  let error: WsOutcome['error'];
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(error ?? new Error('closed before open')));
  });
  opened.catch(() => undefined);
  ws.on('open', () => events.push('open'));
  ws.on('message', (data: Buffer, binary: boolean) => {
    events.push('message');
    messages.push({ data: binary ? data : data.toString('utf8'), binary });
  });
  ws.on('error', (cause: Error) => {
    events.push('error');
    error = cause;
  });
  const ended = new Promise<WsOutcome>((resolve) => {
    ws.on('close', (code: number, reason: Buffer) => {
      events.push('close');
      resolve({ events, messages, error, code, reason: reason.toString('utf8') });
    });
  });
  return { ws, opened, ended };
}
