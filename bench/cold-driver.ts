/**
 * One process of the cold-start method (`cold.ts`): loads one client as its users' programs do, by `import` (`ws`
 * for `ws`, the built library for `wx`), then at once runs a fixed number of sequential open + close cycles, with no
 * warm-up, and prints one JSON line. Nothing else is loaded: the client's module arrives by a dynamic `import` of
 * the URL the runner resolved, through the same ES module loader as a static one.
 * Started as `node cold-driver.mjs <client> <module URL> <server URL> <cycles>`.
 */
export interface ColdMeasurement {
  /** The `import` of the client's module. */
  readonly importMs: number;
  readonly importCpuMs: number;
  /** The cycles: their time, and the process's CPU time meanwhile (every thread: V8 compiles on its own). */
  readonly cyclesMs: number;
  readonly cyclesCpuMs: number;
  /** The process's CPU time from its start to the end of the cycles. */
  readonly processCpuMs: number;
}

type Open = () => Promise<void>;

const [client, moduleUrl, url, cyclesArgument] = process.argv.slice(2);
const cycles = Number(cyclesArgument);
if (!moduleUrl || !url || !Number.isInteger(cycles) || cycles < 0)
  throw new Error('usage: cold-driver.mjs <ws|wx> <module URL> <server URL> <cycles>');

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

let start = performance.now();
let cpu = process.cpuUsage();
const module: unknown = await import(moduleUrl);
const importMs = performance.now() - start;
const importCpuMs = cpuMs(process.cpuUsage(cpu));
const open = client === 'ws' ? wsCycle(module) : wxCycle(module);

start = performance.now();
cpu = process.cpuUsage();
for (let i = 0; i < cycles; i++) await open();
const measurement: ColdMeasurement = {
  importMs,
  importCpuMs,
  cyclesMs: performance.now() - start,
  cyclesCpuMs: cpuMs(process.cpuUsage(cpu)),
  processCpuMs: cpuMs(process.cpuUsage()),
};
process.stdout.write(`${JSON.stringify(measurement)}\n`);

/** The cycle of `clients.ts`'s `ws` client: compression off, close 1000 once open. */
function wsCycle(module: unknown): Open {
  const WebSocket = (module as typeof import('ws')).default;
  return () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url!, { perMessageDeflate: false });
      ws.on('error', reject);
      ws.on('open', () => ws.close(1000));
      ws.on('close', () => resolve());
    });
}

/** The cycle of `clients.ts`'s `wx` client: WeChat's defaults, close 1000 once open. */
function wxCycle(module: unknown): Open {
  const wx = (module as typeof import('../src/node.js')).createWx({ maxConnections: 20_000 });
  return () =>
    new Promise((resolve, reject) => {
      const task = wx.connectSocket({ url: url! });
      task.onError((result) => reject(new Error(result.errMsg)));
      task.onOpen(() => void task.close({ code: 1000 }));
      task.onClose(() => resolve());
    });
}
