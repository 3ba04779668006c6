/**
 * One measurement of an Artillery engine, in a process of its own (run on Node 24: Artillery needs 22+): Artillery's
 * built-in `ws` engine or wxsocket's, driven as Artillery's runner drives engines (`new Engine(script, events,
 * helpers)`, `createScenario`, one call per virtual user) with Artillery's own helpers and metrics store (SSMS), so
 * that each engine pays for the metrics it reports. Prints one JSON line.
 *
 * Jobs: `roundtrips` (virtual users each send a message and check the echo, `messages` times: client CPU per round
 * trip), `held` (virtual users connect and stay: heap per connected user), `heartbeat` (wx only: `vus` virtual mini
 * programs arriving in batches, each idling with a heartbeat every `interval` s: memory per user and the rate
 * achieved).
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ArtilleryJob {
  readonly engine: 'ws' | 'wx';
  readonly workload: 'roundtrips' | 'held' | 'heartbeat';
  readonly url: string;
  readonly vus: number;
  /** Round trips per virtual user (`roundtrips`). */
  readonly messages?: number;
  /** Seconds between heartbeats, and seconds measured (`heartbeat`). */
  readonly interval?: number;
  readonly window?: number;
  /** The installed `artillery` package, and the wxsocket build (its `dist/`). */
  readonly artillery: string;
  readonly library: string;
}

export interface ArtilleryMeasurement {
  readonly engine: 'ws' | 'wx';
  readonly workload: ArtilleryJob['workload'];
  readonly vus: number;
  /** CPU (user + system) per round trip, µs. */
  readonly cpuPerMessage?: number;
  /** Heap growth per connected virtual user, bytes (after two full GCs). */
  readonly heapPerVu?: number;
  /**
   * The same once Artillery's metrics store has folded the samples it was given into its per-period summaries, as it
   * does every 5 s in a run (`held`): what a user costs while it stays connected, without the samples of its arrival.
   */
  readonly heapPerVuAggregated?: number;
  /** Resident memory growth per virtual user, bytes. */
  readonly rssPerVu?: number;
  /** Heartbeats sent per second over the window, and per second expected. */
  readonly rate?: number;
  readonly expectedRate?: number;
  /** Virtual users that failed. */
  readonly failed: number;
}

type Scenario = (context: object, callback: (error: unknown) => void) => void;
interface EngineLike {
  createScenario(spec: object, events: EventEmitter): Scenario;
}

const job = JSON.parse(process.argv[2]!) as ArtilleryJob;
const load = (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(path).href);
const artilleryLib = join(job.artillery, 'dist', 'lib');
const helpers = await load(join(artilleryLib, 'commons', 'engine_util.js'));
const { SSMS } = (await load(join(artilleryLib, 'core', 'ssms.js'))) as {
  SSMS: new () => {
    counter(n: string, v: number): void;
    summary(n: string, v: number): void;
    rate(n: string): void;
    aggregate(forceAll: boolean): void;
    stop(): void;
  };
};
const Engine = (
  job.engine === 'ws'
    ? (await load(join(artilleryLib, 'core', 'engine_ws.js')))['default']
    : (await load(join(job.library, 'artillery', 'index.js')))['WxSocketEngine']
) as new (script: object, events: EventEmitter, helpers: object) => EngineLike;

// Artillery's runner: every engine event goes to the metrics store.
const metrics = new SSMS();
const events = new EventEmitter();
let sent = 0;
let opened = 0;
events.on('counter', (name: string, value: number) => {
  metrics.counter(name, value);
  if (name === 'wx.messages_sent' || name === 'websocket.messages_sent') sent += value;
  if (name === 'wx.connections_opened') opened += value;
});
events.on('histogram', (name: string, value: number) => metrics.summary(name, value));
events.on('rate', (name: string) => metrics.rate(name));
events.on('error', (kind: string) => metrics.counter(`errors.${kind}`, 1));

/** The flow of each workload, in each engine's own terms. */
function flow(): object[] {
  const wx = job.engine === 'wx';
  const connect = wx ? [{ connect: job.url }] : []; // the ws engine connects before its flow
  switch (job.workload) {
    case 'roundtrips': {
      // Send, then check the echo by capturing it: the same work in both engines' words.
      const roundTrip = wx
        ? [{ send: 'hello' }, { expect: { capture: { regexp: 'hel+o', as: 'reply' } } }]
        : [{ send: { payload: 'hello', capture: { regexp: 'hel+o', as: 'reply' } } }];
      return [...connect, { loop: roundTrip, count: job.messages }];
    }
    case 'held':
      // One message once open, so that the count of messages sent says how many users are connected.
      return [...connect, { send: 'here' }, { think: 600 }];
    case 'heartbeat':
      return [...connect, { idle: { duration: 600, heartbeat: { interval: job.interval, data: 'hb' } } }];
  }
}

const script = {
  config: { target: job.url, engines: { wxsocket: { maxConnections: 1, timeout: 60 } } },
  scenarios: [{ engine: job.engine === 'wx' ? 'wxsocket' : 'ws', flow: flow() }],
};
const engine = new Engine(script, events, helpers);
const scenario = engine.createScenario(script.scenarios[0]!, events);
let failed = 0;
let done = 0;
const start = (): void =>
  scenario({ vars: { target: job.url }, funcs: {} }, (error) => {
    done += 1;
    if (error) failed += 1;
  });

/** Waits (bounded) until `ready()` holds, checking every 50 ms. */
async function until(ready: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!ready()) {
    if (Date.now() > deadline)
      throw new Error(
        `${job.engine} ${job.workload}: not ready in ${seconds} s (sent ${sent}, done ${done}, failed ${failed})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function settledHeap(): { heap: number; rss: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  return { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
}

let result: ArtilleryMeasurement;
if (job.workload === 'roundtrips') {
  const before = process.cpuUsage();
  for (let i = 0; i < job.vus; i += 1) start();
  await until(() => done === job.vus, 300);
  const cpu = process.cpuUsage(before);
  result = {
    engine: job.engine,
    workload: job.workload,
    vus: job.vus,
    failed,
    cpuPerMessage: (cpu.user + cpu.system) / (job.vus * job.messages!),
  };
} else {
  // Connected users: wx counts its opens; the ws engine sends its first message once open.
  const connected = (): number => (job.engine === 'wx' ? opened : sent);
  const base = settledHeap();
  // Arrivals in batches, as an arrival phase would bring them, so the server's backlog never overflows.
  for (let i = 0; i < job.vus; i += 1) {
    start();
    if (i % 200 === 199) await until(() => connected() >= i + 1 - 400 || failed > 0, 120);
  }
  await until(() => connected() >= job.vus || failed > 0, 300);
  const held = settledHeap();
  const perVu = { heapPerVu: (held.heap - base.heap) / job.vus, rssPerVu: (held.rss - base.rss) / job.vus };
  if (job.workload === 'held') {
    metrics.aggregate(true);
    const aggregated = settledHeap();
    const heapPerVuAggregated = (aggregated.heap - base.heap) / job.vus;
    result = { engine: job.engine, workload: job.workload, vus: job.vus, failed, ...perVu, heapPerVuAggregated };
  } else {
    const sentBefore = sent;
    const window = job.window!;
    await new Promise((resolve) => setTimeout(resolve, window * 1000));
    const rate = (sent - sentBefore) / window;
    result = {
      engine: job.engine,
      workload: job.workload,
      vus: job.vus,
      failed,
      ...perVu,
      rate,
      expectedRate: job.vus / job.interval!,
    };
  }
}
metrics.stop();
console.log(JSON.stringify(result));
// Held users are not waited for: the process ends with them (the server sees the connections drop).
process.exit(0);
