/**
 * Records what a task, the global API or a call's callbacks deliver, in order, so tests assert on the whole
 * sequence (what came, in which order, how often) instead of on single events.
 */
import type { SocketTask, Wx } from '../../src/types.js';

export type Entry = readonly [name: string, payload: unknown];

/** An ordered log with awaitable waits; every wait is bounded so a broken test fails instead of hanging. */
export class Log {
  readonly entries: Entry[] = [];
  readonly #waiters = new Set<() => void>();

  add(name: string, payload: unknown): void {
    this.entries.push([name, payload]);
    for (const waiter of [...this.#waiters]) waiter();
  }

  names(): string[] {
    return this.entries.map(([name]) => name);
  }

  /** Payloads of every entry with this name. */
  all(name: string): unknown[] {
    return this.entries.filter(([entry]) => entry === name).map(([, payload]) => payload);
  }

  /** The payload of the only entry with this name (fails if there is not exactly one). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads of every shape; each test reads its fields
  only(name: string): any {
    const found = this.all(name);
    if (found.length !== 1) throw new Error(`expected one "${name}", got ${found.length}: ${this.names().join(', ')}`);
    return found[0];
  }

  /** Resolves once an entry with this name is logged (`count` of them), rejects after `timeout` ms. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as `only`
  waitFor(name: string, { count = 1, timeout = 5000 } = {}): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.all(name);
        if (found.length < count) return false;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(found[count - 1]);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${count} "${name}"; log: ${this.names().join(', ') || '(empty)'}`));
      }, timeout);
      this.#waiters.add(waiter);
      check();
    });
  }
}

/** Logs a task's events as `open`, `message`, `error`, `close`. */
export function recordTask(task: SocketTask, log = new Log()): Log {
  task.onOpen((result) => log.add('open', result));
  task.onMessage((result) => log.add('message', result));
  task.onError((result) => log.add('error', result));
  task.onClose((result) => log.add('close', result));
  return log;
}

/** Logs the global listeners as `onSocketOpen`, `onSocketMessage`, `onSocketError`, `onSocketClose`. */
export function recordGlobal(wx: Wx, log = new Log()): Log {
  wx.onSocketOpen((result) => log.add('onSocketOpen', result));
  wx.onSocketMessage((result) => log.add('onSocketMessage', result));
  wx.onSocketError((result) => log.add('onSocketError', result));
  wx.onSocketClose((result) => log.add('onSocketClose', result));
  return log;
}

/** `success`/`fail`/`complete` callbacks that log as `<prefix>success` etc. */
export function callbacks(log: Log, prefix = '') {
  return {
    success: (result: unknown) => log.add(`${prefix}success`, result),
    fail: (result: unknown) => log.add(`${prefix}fail`, result),
    complete: (result: unknown) => log.add(`${prefix}complete`, result),
  };
}

/** Waits for a macrotask, a few times over: lets pending callbacks and events arrive before asserting absence. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Bytes of an ArrayBuffer as an array, for deepEqual. */
export function bytes(buffer: unknown): number[] {
  if (!(buffer instanceof ArrayBuffer))
    throw new Error(`expected an ArrayBuffer, got ${Object.prototype.toString.call(buffer)}`);
  return [...new Uint8Array(buffer)];
}

/** An ArrayBuffer holding these bytes. */
export function arrayBuffer(...values: number[]): ArrayBuffer {
  return new Uint8Array(values).buffer;
}

const OPEN_FAILURE_MESSAGES = {
  1: 'Host not found(authoritative)',
  2: 'Underlying Transport Error',
  8: 'TLS handshake failed',
  9: 'Timer Expired',
  20: 'Invalid HTTP status.',
} as const;

/**
 * The `onError` text of a failed handshake with WeChat's `code` (§2, §9.2): the binding's text on android from base
 * library 3.0.0 on; else the older one, where a DNS (1) or TLS (8) failure is code 2. `detail: false` (a transport
 * that cannot tell failures apart) makes every code but the timeout's a 2.
 */
export function openFailure(
  env: { readonly platform: string; atLeast(version: string): boolean },
  code: keyof typeof OPEN_FAILURE_MESSAGES,
  detail = true,
): string {
  const binding = env.platform === 'android' && env.atLeast('3.0.0');
  const shown = (code === 1 || code === 8) && !binding ? 2 : !detail && code !== 9 ? 2 : code;
  const message = OPEN_FAILURE_MESSAGES[shown];
  return binding ? `open fail: _code:${shown},_msg:${message}` : `exception onOpen fail code:${shown}, msg:${message}`;
}
