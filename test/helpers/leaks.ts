/**
 * Leak and crash detectors for the tests and the soak scripts (scripts/soak/): the process's active resources
 * (sockets, servers, timers), its own listeners, unhandled rejections, uncaught exceptions, and the built-in
 * prototypes.
 *
 * `process.getActiveResourcesInfo()` lists what keeps the event loop alive: a leaked `ws` socket shows as
 * `TCPSocketWrap`/`TCPWRAP`, a leaked timer as `Timeout`. `setImmediate` callbacks show as `Immediate` while queued;
 * they end by themselves, so they are left out of the comparison.
 */

/** The process's active resources by type, sorted so that two snapshots compare as multisets. */
export function activeResources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((name) => name !== 'Immediate')
    .sort();
}

/** Resolves after one full turn of the event loop (timers, I/O, check and close phases). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves after `count` turns of the event loop. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await turn();
}

/**
 * Waits until `done()` holds, one event-loop turn at a time, at most `maxTurns` turns and `maxMs` milliseconds
 * (both bounds hold). Resolves with whether it held. Used to let sockets finish closing: libuv releases a handle in
 * the close phase of some later turn, and there is no event for "the handle is gone" to await.
 */
export async function until(done: () => boolean, { maxTurns = 100_000, maxMs = 5000 } = {}): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (let i = 0; i < maxTurns && Date.now() < deadline; i += 1) {
    if (done()) return true;
    // A turn with a 1 ms timer after every 50 immediates, so I/O callbacks (socket close) get their phase too.
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
    else await turn();
  }
  return done();
}

/** What differs between two resource snapshots: `+` for a resource now active that was not, `-` for one gone. */
export function resourceDiff(before: readonly string[], after: readonly string[]): string[] {
  const count = (list: readonly string[]) =>
    list.reduce((map, name) => map.set(name, (map.get(name) ?? 0) + 1), new Map<string, number>());
  const a = count(before);
  const b = count(after);
  const diff: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const delta = (b.get(name) ?? 0) - (a.get(name) ?? 0);
    if (delta > 0) diff.push(`+${delta} ${name}`);
    if (delta < 0) diff.push(`${delta} ${name}`);
  }
  return diff;
}

/**
 * What is active now and was not in `baseline`: the resources left behind. Only additions count: a baseline may hold
 * transient requests of the runner or the loader (pending connects, file reads at start-up) that end by themselves.
 * File-system requests are left out: wxsocket never touches the file system, the test runner and the loader do.
 */
export function leaked(baseline: readonly string[], now: readonly string[] = activeResources()): string[] {
  return resourceDiff(baseline, now).filter((entry) => entry.startsWith('+') && !/^\+\d+ FS/.test(entry));
}

/**
 * Waits (bounded) until nothing is active that was not in `baseline`, and throws with what is left otherwise: a
 * socket, server or timer was left behind.
 */
export async function expectResourcesBack(
  baseline: readonly string[],
  what: string,
  bounds?: { maxTurns?: number; maxMs?: number },
): Promise<void> {
  if (await until(() => leaked(baseline).length === 0, bounds)) return;
  throw new Error(`${what}: resources left behind: ${leaked(baseline).join(', ')}`);
}

/** Events whose listeners on `process` a library might add (and forget). */
const PROCESS_EVENTS = [
  'exit',
  'beforeExit',
  'uncaughtException',
  'unhandledRejection',
  'warning',
  'SIGINT',
  'SIGTERM',
] as const;

/** How many listeners `process` has for each event a library might leave listeners on. */
export function processListenerCounts(): Record<string, number> {
  return Object.fromEntries(PROCESS_EVENTS.map((event) => [event, process.listenerCount(event)]));
}

/**
 * Records every unhandled rejection and uncaught exception of the process until `stop()`. Installing a listener
 * also keeps such an event from ending the process, so the test can report it instead of dying.
 */
export class CrashRecorder {
  readonly rejections: unknown[] = [];
  readonly exceptions: unknown[] = [];
  readonly #onRejection = (reason: unknown) => void this.rejections.push(reason);
  readonly #onException = (error: unknown) => void this.exceptions.push(error);

  constructor() {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
  }

  /** Throws if anything was recorded. */
  check(what: string): void {
    if (this.rejections.length === 0 && this.exceptions.length === 0) return;
    const show = (value: unknown) => {
      try {
        return value instanceof Error ? (value.stack ?? String(value)) : (JSON.stringify(value) ?? String(value));
      } catch {
        return Object.prototype.toString.call(value);
      }
    };
    throw new Error(
      `${what}: ${this.rejections.length} unhandled rejection(s), ${this.exceptions.length} uncaught exception(s): ` +
        [...this.rejections, ...this.exceptions].slice(0, 3).map(show).join(' | '),
    );
  }

  stop(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
  }
}

const PROTOTYPES = {
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
  'Promise.prototype': Promise.prototype,
  'Error.prototype': Error.prototype,
} as const;

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    Object.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

/**
 * Takes a snapshot of the built-in prototypes (each own property's descriptor, and each prototype's own prototype)
 * and returns a function listing what changed since: pollution through `__proto__` or `constructor.prototype`
 * shows as an added or changed key.
 */
export function watchPrototypes(): () => string[] {
  const snapshot = Object.entries(PROTOTYPES).map(([name, proto]) => ({
    name,
    proto: proto as object,
    parent: Object.getPrototypeOf(proto) as object | null,
    keys: new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)!])),
  }));
  return () => {
    const changes: string[] = [];
    for (const { name, proto, parent, keys } of snapshot) {
      if (Object.getPrototypeOf(proto) !== parent) changes.push(`${name}: its prototype changed`);
      const now = Reflect.ownKeys(proto);
      for (const key of now) {
        const before = keys.get(key);
        const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
        if (!before) changes.push(`${name}.${String(key)} added`);
        else if (!sameDescriptor(before, descriptor)) changes.push(`${name}.${String(key)} changed`);
      }
      for (const key of keys.keys()) if (!now.includes(key)) changes.push(`${name}.${String(key)} removed`);
    }
    return changes;
  };
}
