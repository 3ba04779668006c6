/**
 * What the long runs share: arguments (`--quick` for the CI size, `--time-limit <s>`), progress lines, heap
 * measurement after a full garbage collection, a plain `ws` server on 127.0.0.1 (not the test kit's, which keeps
 * every message for inspection and so would grow by itself), and the final verdict line with the exit code.
 *
 * Run a script with `node --import tsx scripts/soak/<name>.ts [--quick] [--time-limit <seconds>]`.
 */
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SoakArguments {
  /** The CI-sized run. */
  readonly quick: boolean;
  /** Wall-clock limit in milliseconds: past it the run stops and fails. */
  readonly timeLimitMs: number;
}

/** Reads `--quick` and `--time-limit <seconds>`; `limits` gives the default time limit of each size. */
export function parseArguments(limits: { full: number; quick: number }): SoakArguments {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const index = argv.indexOf('--time-limit');
  const seconds = index === -1 ? (quick ? limits.quick : limits.full) : Number(argv[index + 1]);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--time-limit takes a number of seconds');
  return { quick, timeLimitMs: seconds * 1000 };
}

/** A full garbage collection (exposed at run time, so the script needs no node flag). */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** `heapUsed` after two full collections, in bytes. */
export function settledHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Prints a progress line at most once a second (and always when `force`). */
export class Progress {
  readonly #name: string;
  readonly #started = Date.now();
  #last = 0;
  constructor(name: string) {
    this.#name = name;
  }
  get elapsedMs(): number {
    return Date.now() - this.#started;
  }
  report(text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.#last < 1000) return;
    this.#last = now;
    console.log(`[${this.#name} ${(this.elapsedMs / 1000).toFixed(1)}s] ${text}`);
  }
}

/** Prints the verdict and sets the exit code: `VERDICT: PASS <name>: …` or `VERDICT: FAIL <name>: …`. */
export function verdict(name: string, failures: readonly string[], summary: string): void {
  if (failures.length === 0) {
    console.log(`VERDICT: PASS ${name}: ${summary}`);
    process.exitCode = 0;
  } else {
    for (const failure of failures) console.log(`  failure: ${failure}`);
    console.log(`VERDICT: FAIL ${name}: ${failures.length} failure(s); ${summary}`);
    process.exitCode = 1;
  }
}

/** A plain `ws` server on 127.0.0.1, port 0. */
export async function startServer(
  options: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<{ url: string; wss: WebSocketServer; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients as Set<WebSocket>) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A deterministic payload for message `sequence`: text or binary, 0 to 256 bytes, from a small hash. */
export function payload(sequence: number, direction: number): string | Uint8Array {
  const length = (sequence * 7919 + direction * 104729) % 257;
  if ((sequence + direction) % 2 === 0) {
    let text = `${sequence}:`;
    // Printable ASCII with a multi-byte character now and then, so text must arrive as exact UTF-8.
    for (let i = text.length; i < length; i += 1)
      text += i % 10 === 9 ? '你' : String.fromCharCode(0x21 + ((sequence * 31 + i * 17 + direction) % 94));
    return text;
  }
  const bytes = new Uint8Array(Math.max(length, 4));
  new DataView(bytes.buffer).setUint32(0, sequence);
  for (let i = 4; i < bytes.length; i += 1) bytes[i] = (sequence * 131 + i * 29 + direction) & 0xff;
  return bytes;
}

/** Whether `data` is exactly message `sequence`'s payload (type and bytes). */
export function isPayload(data: string | ArrayBuffer | Uint8Array, sequence: number, direction: number): boolean {
  const expected = payload(sequence, direction);
  if (typeof expected === 'string') return data === expected;
  if (typeof data === 'string') return false;
  const actual = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i += 1) if (actual[i] !== expected[i]) return false;
  return true;
}
