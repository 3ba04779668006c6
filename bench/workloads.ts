/**
 * The workloads, each one function of (client, echo server URL, limits) that returns one measurement. Every loop is
 * bounded twice: by time (warm-up, then a measured window) and by a message or connection count.
 */
import type { Client, Connection, Payload } from './clients.js';

/** How long and how far a workload runs. */
export interface Limits {
  /** Run before measuring, so that both clients are measured with their code optimised. */
  readonly warmupMs: number;
  /** The measured window. */
  readonly durationMs: number;
  /** The most events counted in the measured window, whatever the time. */
  readonly maxEvents: number;
}

/** What one run of one workload measured. */
export interface Measurement {
  /** The headline figure, in the workload's unit. */
  readonly value: number;
  /** Further figures by name (memory at each checkpoint, counts), reported alongside. */
  readonly extra: Readonly<Record<string, number>>;
}

export type WorkloadRun = (client: Client, url: string, limits: Limits) => Promise<Measurement>;

/**
 * What a workload's figures must show: a throughput ratio wx/ws of at least `min`; at most `max` bytes above `ws`;
 * or memory that grows linearly (per-connection figures at every checkpoint within `spread` of each other).
 */
export type Target =
  | { readonly kind: 'ratio'; readonly min: number }
  | { readonly kind: 'bytes-above'; readonly max: number }
  | { readonly kind: 'linear'; readonly spread: number };

export interface Workload {
  readonly title: string;
  readonly unit: string;
  readonly target: Target;
  readonly run: WorkloadRun;
}

/** Messages kept in flight by the pipelined workloads. */
const TEXT_WINDOW = 64;
const BINARY_WINDOW = 8;
/** Connection attempts in flight while opening many connections: more would overflow the server's backlog. */
const OPEN_CONCURRENCY = 100;
const KIB = 1024;

export const WORKLOADS = {
  'text-32-pingpong': {
    title: '32 B text ping-pong',
    unit: 'round trips/s',
    target: { kind: 'ratio', min: 0.97 },
    run: (client, url, limits) => echoLoad(client, url, limits, { kind: 'text', size: 32, window: 1, connections: 1 }),
  },
  'text-32-pipelined': {
    title: `32 B text pipelined, window ${TEXT_WINDOW}`,
    unit: 'messages/s',
    target: { kind: 'ratio', min: 0.97 },
    run: (client, url, limits) => echoLoad(client, url, limits, { kind: 'text', size: 32, window: TEXT_WINDOW, connections: 1 }),
  },
  'binary-64k-pingpong': {
    title: '64 KiB binary ping-pong',
    unit: 'round trips/s',
    target: { kind: 'ratio', min: 0.95 },
    run: (client, url, limits) => echoLoad(client, url, limits, { kind: 'binary', size: 64 * KIB, window: 1, connections: 1 }),
  },
  'binary-64k-pipelined': {
    title: `64 KiB binary pipelined, window ${BINARY_WINDOW}`,
    unit: 'messages/s',
    target: { kind: 'ratio', min: 0.95 },
    run: (client, url, limits) => echoLoad(client, url, limits, { kind: 'binary', size: 64 * KIB, window: BINARY_WINDOW, connections: 1 }),
  },
  'open-close': {
    title: 'sequential open + close',
    unit: 'connections/s',
    target: { kind: 'ratio', min: 0.95 },
    run: openClose,
  },
  'fan-in-100': {
    title: '100 connections, 32 B text ping-pong on each',
    unit: 'round trips/s',
    target: { kind: 'ratio', min: 0.97 },
    run: (client, url, limits) => echoLoad(client, url, limits, { kind: 'text', size: 32, window: 1, connections: 100 }),
  },
  'idle-memory': {
    title: 'heap per idle connection (1,000 open)',
    unit: 'bytes/connection',
    target: { kind: 'bytes-above', max: 1024 },
    run: (client, url) => idleMemory(client, url, [1000]),
  },
  'idle-10k': {
    title: '10,000 idle connections in one process',
    unit: 'bytes/connection',
    target: { kind: 'linear', spread: 0.15 },
    run: (client, url) => idleMemory(client, url, [1000, 2500, 5000, 10_000]),
  },
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof WORKLOADS;

/**
 * Counts events in a measured window that follows a warm-up; says when the run is over. Besides the rate, it notes
 * the CPU time this process spent per event: on a machine shared with other work, the rate depends on how the
 * scheduler treats both processes, while the client's own CPU time per event is what a layer adds.
 */
class Meter {
  readonly #limits: Limits;
  #phase: 'warm-up' | 'measuring' | 'done' = 'warm-up';
  #since = performance.now();
  #ticks = 0;
  #counted = 0;
  #elapsedMs = 0;
  #cpuStart: NodeJS.CpuUsage | undefined;
  #cpuMicros = 0;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  get running(): boolean {
    return this.#phase !== 'done';
  }

  /** Events per second in the measured window. */
  get rate(): number {
    return (this.#counted / this.#elapsedMs) * 1000;
  }

  get counted(): number {
    return this.#counted;
  }

  /** The figures every throughput workload reports besides its rate. */
  get extra(): Record<string, number> {
    return { counted: this.#counted, cpuMicrosPerEvent: this.#cpuMicros / this.#counted };
  }

  /** Notes one event. The clock is read every 16 events only: reading it costs as much as a small message. */
  tick(): void {
    if (this.#phase === 'measuring') this.#counted++;
    if ((++this.#ticks & 15) === 0) this.check();
  }

  /** Moves to the next phase when its time (or count) is up. */
  check(): void {
    const now = performance.now();
    if (this.#phase === 'warm-up' && now - this.#since >= this.#limits.warmupMs) {
      this.#phase = 'measuring';
      this.#since = now;
      this.#cpuStart = process.cpuUsage();
    } else if (this.#phase === 'measuring' && (now - this.#since >= this.#limits.durationMs || this.#counted >= this.#limits.maxEvents)) {
      this.#phase = 'done';
      this.#elapsedMs = now - this.#since;
      const cpu = process.cpuUsage(this.#cpuStart);
      this.#cpuMicros = cpu.user + cpu.system;
    }
  }
}

/** The size of a message as sent or received, to check every echo. */
function sizeOf(data: Payload): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

interface EchoShape {
  readonly kind: 'text' | 'binary';
  readonly size: number;
  /** Messages each connection keeps in flight: 1 is ping-pong. */
  readonly window: number;
  readonly connections: number;
}

/**
 * Each connection keeps `window` messages in flight and sends one more per echo received, until the measured window
 * ends; then every in-flight echo is awaited before closing. The figure is echoes per second over all connections.
 */
async function echoLoad(client: Client, url: string, limits: Limits, shape: EchoShape): Promise<Measurement> {
  const payload = client.payload(shape.kind, shape.size);
  const meter = new Meter(limits);
  let inFlight = 0;
  let failure: Error | undefined;
  let drained!: () => void;
  const allDrained = new Promise<void>((resolve) => (drained = resolve));

  const connections = await openMany(client, url, shape.connections, (index) => (data) => {
    inFlight--;
    if (sizeOf(data) !== shape.size) failure ??= new Error(`echo of ${sizeOf(data)} bytes, expected ${shape.size}`);
    meter.tick();
    if (meter.running && !failure) {
      inFlight++;
      connections[index]!.send(payload);
    } else if (inFlight === 0) {
      drained();
    }
  });
  for (const connection of connections) {
    for (let i = 0; i < shape.window; i++) {
      inFlight++;
      connection.send(payload);
    }
  }
  await allDrained;
  await Promise.all(connections.map((connection) => connection.close()));
  if (failure) throw failure;
  return { value: meter.rate, extra: meter.extra };
}

/** Opens a connection, closes it once open, and starts the next once closed. */
async function openClose(client: Client, url: string, limits: Limits): Promise<Measurement> {
  const meter = new Meter(limits);
  const ignore = (): void => {};
  while (meter.running) {
    const connection = await client.open(url, ignore);
    await connection.close();
    meter.tick();
    meter.check(); // each cycle is long enough to read the clock every time
  }
  return { value: meter.rate, extra: meter.extra };
}

/**
 * Heap and RSS per idle connection: opens connections up to each checkpoint in turn and measures the memory above
 * a baseline taken after a warm-up, each time after full garbage collections. The headline is the heap per
 * connection at the last checkpoint; the others show whether memory grows linearly.
 */
async function idleMemory(client: Client, url: string, checkpoints: readonly number[]): Promise<Measurement> {
  const ignore = (): void => {};
  // Warm-up: whatever is allocated once per process (code, pools, caches) must not count per connection.
  for (const connection of await openMany(client, url, 50, () => ignore)) await connection.close();
  const base = await settledMemory();
  const open: Connection[] = [];
  const extra: Record<string, number> = {};
  let heapPerConnection = 0;
  const started = performance.now();
  for (const checkpoint of checkpoints) {
    open.push(...(await openMany(client, url, checkpoint - open.length, () => ignore)));
    const memory = await settledMemory();
    heapPerConnection = (memory.heapUsed - base.heapUsed) / open.length;
    extra[`heap@${checkpoint}`] = heapPerConnection;
    extra[`rss@${checkpoint}`] = (memory.rss - base.rss) / open.length;
    extra[`external@${checkpoint}`] = (memory.external - base.external) / open.length;
  }
  extra['opened/s'] = (open.length / (performance.now() - started)) * 1000;
  await Promise.all(open.map((connection) => connection.close()));
  return { value: heapPerConnection, extra };
}

/** `count` connections, opened with at most `OPEN_CONCURRENCY` attempts in flight. */
async function openMany(
  client: Client,
  url: string,
  count: number,
  listenerFor: (index: number) => (data: Payload) => void,
): Promise<Connection[]> {
  const connections: Connection[] = [];
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      connections[index] = await client.open(url, listenerFor(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, count) }, opener));
  return connections;
}

/** Memory after the event loop has settled and full collections have run (needs `--expose-gc`). */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('memory workloads need node --expose-gc');
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage();
}
