/**
 * The workloads, each one function of (client, echo server URL, limits) that returns one measurement. Every loop is
 * bounded twice: by time (warm-up, then a measured window) and by a message or connection count.
 */
import { readFileSync } from 'node:fs';
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
  /** One measurement, in a fresh process (the separate-process method). */
  readonly run: WorkloadRun;
  /** Throughput workloads: the session both methods run (the paired method runs it in slices, `paired.ts`). */
  readonly session?: (client: Client, url: string) => Promise<Session>;
  /** The least warm-up per client this workload needs, in either method and whatever the mode's (`warmupFor`). */
  readonly warmupMs?: number;
}

/** Messages kept in flight by the pipelined workloads. */
const TEXT_WINDOW = 64;
const BINARY_WINDOW = 8;
/** Connection attempts in flight while opening many connections: more would overflow the server's backlog. */
const OPEN_CONCURRENCY = 100;
/**
 * Connections opened at once by the connection storm: all of them are in the server's accept queue together, which
 * the echo server's backlog (4,096) and the kernel's (`somaxconn`, 4,096 here) hold without dropping a SYN.
 */
const STORM_SIZE = 1000;
const KIB = 1024;
/**
 * The warm-up of the workloads that open and close connections. Each connection runs much more code than a message
 * does (`http`, `net`, the handshake in `ws`, wxsocket's task), fewer times a second, and V8 takes seconds to settle
 * it: per second from a process's start, the CPU time per sequential connection fell from about 1,000 µs to its
 * 300–330 µs only from the fourth or fifth second, wx's later than `ws`'s (docs/benchmarks.md, Method). With the
 * modes' 1 or 2 s, the measured window was mostly V8 at work, and more of it for wx, which has more code to compile.
 */
const CONNECTION_WARMUP_MS = 6000;

/** A throughput workload: a ratio target, and a session run by either method. */
function throughput(
  title: string,
  unit: string,
  min: number,
  session: NonNullable<Workload['session']>,
  warmupMs?: number,
): Workload {
  return {
    title,
    unit,
    target: { kind: 'ratio', min },
    session,
    run: async (client, url, limits) => warmThenMeasure(await session(client, url), limits),
    ...(warmupMs !== undefined && { warmupMs }),
  };
}

/** The warm-up per client of `name` in a mode that warms up for `modeWarmupMs`: the mode's, or the workload's least. */
export const warmupFor = (name: WorkloadName, modeWarmupMs: number): number =>
  Math.max(modeWarmupMs, (WORKLOADS[name] as Workload).warmupMs ?? 0);

const echo = (shape: EchoShape) => (client: Client, url: string) => echoSession(client, url, shape);

export const WORKLOADS = {
  'text-32-pingpong': throughput(
    '32 B text ping-pong',
    'round trips/s',
    0.97,
    echo({ kind: 'text', size: 32, window: 1, connections: 1 }),
  ),
  'text-32-pipelined': throughput(
    `32 B text pipelined, window ${TEXT_WINDOW}`,
    'messages/s',
    0.97,
    echo({ kind: 'text', size: 32, window: TEXT_WINDOW, connections: 1 }),
  ),
  'binary-64k-pingpong': throughput(
    '64 KiB binary ping-pong',
    'round trips/s',
    0.95,
    echo({ kind: 'binary', size: 64 * KIB, window: 1, connections: 1 }),
  ),
  'binary-64k-pipelined': throughput(
    `64 KiB binary pipelined, window ${BINARY_WINDOW}`,
    'messages/s',
    0.95,
    echo({ kind: 'binary', size: 64 * KIB, window: BINARY_WINDOW, connections: 1 }),
  ),
  'open-close': throughput(
    'sequential open + close',
    'connections/s',
    0.97,
    async (client, url) => openCloseSession(client, url),
    CONNECTION_WARMUP_MS,
  ),
  'storm-1000': throughput(
    `connection storm: ${STORM_SIZE.toLocaleString('en')} opened at once, then closed`,
    'connections/s',
    0.97,
    async (client, url) => stormSession(client, url, STORM_SIZE),
    CONNECTION_WARMUP_MS,
  ),
  'fan-in-100': throughput(
    '100 connections, 32 B text ping-pong on each',
    'round trips/s',
    0.97,
    echo({ kind: 'text', size: 32, window: 1, connections: 100 }),
  ),
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

/** What one timed run of a throughput workload counted. */
export interface Sample {
  readonly events: number;
  readonly elapsedMs: number;
  /** CPU time of this process (user + system, all threads) over the run. */
  readonly cpuMicros: number;
  /** Further counts of the run, reported with its measurement. */
  readonly extra?: Readonly<Record<string, number>>;
}

/**
 * A throughput workload set up once (its connections open) and run as often as asked: twice by the separate-process
 * method (warm-up, then the measured window), many times per client by the paired method (`paired.ts`).
 */
export interface Session {
  /** Runs for `ms` (or `maxEvents` events), then lets what is in flight finish. */
  run(ms: number, maxEvents?: number): Promise<Sample>;
  close(): Promise<void>;
}

/**
 * Counts the events of one run and says when it is over. Besides the rate, it notes the CPU time this process
 * spent: on a machine shared with other work, the rate depends on how the scheduler treats both processes, while
 * the client's own CPU time per event is what a layer adds.
 */
class Meter {
  readonly #ms: number;
  readonly #maxEvents: number;
  readonly #since = performance.now();
  readonly #cpuStart = process.cpuUsage();
  #events = 0;
  #sample: Sample | undefined;

  constructor(ms: number, maxEvents: number) {
    this.#ms = ms;
    this.#maxEvents = maxEvents;
  }

  get running(): boolean {
    return this.#sample === undefined;
  }

  /** What the run counted: read once it is no longer running. */
  get sample(): Sample {
    if (!this.#sample) throw new Error('the run is still going');
    return this.#sample;
  }

  /** Notes `count` events at once, without reading the clock. */
  add(count: number): void {
    if (!this.#sample) this.#events += count;
  }

  /** Notes one event. The clock is read every 16 events only: reading it costs as much as a small message. */
  tick(): void {
    if (this.#sample) return;
    this.#events++;
    if ((this.#events & 15) === 0) this.check();
  }

  /** Ends the run when its time (or count) is up. */
  check(): void {
    const now = performance.now();
    if (this.running && (now - this.#since >= this.#ms || this.#events >= this.#maxEvents)) this.#stop(now);
  }

  #stop(now: number): void {
    const cpu = process.cpuUsage(this.#cpuStart);
    this.#sample = { events: this.#events, elapsedMs: now - this.#since, cpuMicros: cpu.user + cpu.system };
  }
}

/** A measurement from a sample: events per second, and the CPU time per event. */
export function measurementOf({ events, elapsedMs, cpuMicros, extra }: Sample): Measurement {
  return {
    value: (events / elapsedMs) * 1000,
    extra: { counted: events, cpuMicrosPerEvent: cpuMicros / events, ...extra },
  };
}

/** The separate-process method: one session, a warm-up run, then the measured run. */
async function warmThenMeasure(session: Session, limits: Limits): Promise<Measurement> {
  try {
    await session.run(limits.warmupMs);
    return measurementOf(await session.run(limits.durationMs, limits.maxEvents));
  } finally {
    await session.close();
  }
}

/** The size of a message as sent or received, to check every echo. */
function sizeOf(data: Payload): number {
  return typeof data === 'string' ? data.length : data.byteLength;
}

export interface EchoShape {
  readonly kind: 'text' | 'binary';
  readonly size: number;
  /** Messages each connection keeps in flight: 1 is ping-pong. */
  readonly window: number;
  readonly connections: number;
}

/**
 * Each connection keeps `window` messages in flight and sends one more per echo received, until the run ends; then
 * every in-flight echo is awaited. The figure is echoes per second over all connections.
 */
export async function echoSession(client: Client, url: string, shape: EchoShape): Promise<Session> {
  const payload = client.payload(shape.kind, shape.size);
  let onEcho = (_index: number, _data: Payload): void => {
    throw new Error('an echo outside any run');
  };
  const connections = await openMany(client, url, shape.connections, (index) => (data) => onEcho(index, data));
  return {
    run: (ms, maxEvents = Number.POSITIVE_INFINITY) =>
      new Promise((resolve, reject) => {
        const meter = new Meter(ms, maxEvents);
        let inFlight = 0;
        let failure: Error | undefined;
        onEcho = (index, data) => {
          inFlight--;
          if (sizeOf(data) !== shape.size)
            failure ??= new Error(`echo of ${sizeOf(data)} bytes, expected ${shape.size}`);
          meter.tick();
          if (meter.running && !failure) {
            inFlight++;
            connections[index]!.send(payload);
          } else if (inFlight === 0) {
            if (failure) reject(failure);
            else resolve(meter.sample);
          }
        };
        for (const connection of connections) {
          for (let i = 0; i < shape.window; i++) {
            inFlight++;
            connection.send(payload);
          }
        }
      }),
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

/** Opens a connection, closes it once open, and starts the next once closed. */
export function openCloseSession(client: Client, url: string): Session {
  const ignore = (): void => {};
  return {
    async run(ms, maxEvents = Number.POSITIVE_INFINITY) {
      const meter = new Meter(ms, maxEvents);
      while (meter.running) {
        const connection = await client.open(url, ignore);
        await connection.close();
        meter.tick();
        meter.check(); // each cycle is long enough to read the clock every time
      }
      return meter.sample;
    },
    close: async () => {},
  };
}

/**
 * A connection storm, as when a server restarts and every client reconnects at once: `size` connections opened at
 * the same moment, then, once all are open, closed together (code 1000); the next storm starts once all are closed.
 * The figure is connections per second over whole storms. A storm that loses a connection fails the run, after
 * closing those that opened.
 */
export function stormSession(client: Client, url: string, size: number): Session {
  const ignore = (): void => {};
  return {
    async run(ms, maxEvents = Number.POSITIVE_INFINITY) {
      const dropsBefore = listenDrops();
      const meter = new Meter(ms, maxEvents);
      while (meter.running) {
        const opens = await Promise.allSettled(Array.from({ length: size }, () => client.open(url, ignore)));
        const opened = opens.flatMap((open) => (open.status === 'fulfilled' ? [open.value] : []));
        await Promise.all(opened.map((connection) => connection.close()));
        const failed = opens.find((open) => open.status === 'rejected');
        if (failed)
          throw new Error(`storm: ${size - opened.length} of ${size} failed to open: ${String(failed.reason)}`);
        meter.add(size);
        meter.check();
      }
      // The machine's count, not only this run's: a non-zero figure says to look, not that the storm overflowed.
      return { ...meter.sample, extra: { listenDrops: listenDrops() - dropsBefore } };
    },
    close: async () => {},
  };
}

/**
 * SYNs or connections the kernel dropped at a listening socket so far, machine-wide (Linux `TcpExt: ListenDrops`, which
 * counts the accept queue's overflows too); 0 where unknown. A dropped SYN is retried after a second, which would
 * make a storm measure the kernel's retry timer rather than the client.
 */
function listenDrops(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ');
    const counts = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ');
    const index = names?.indexOf('ListenDrops') ?? -1;
    return index > 0 && counts ? Number(counts[index]) : 0;
  } catch {
    return 0;
  }
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
