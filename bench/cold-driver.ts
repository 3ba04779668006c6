/**
 * One process of the cold-start method (`cold.ts`): loads one client as its users' programs do, by `import` (`ws`
 * for `ws`, the built library for `wx`), then at once runs a fixed number of sequential open + close cycles, with no
 * warm-up, and prints one JSON line. Nothing else is loaded: the client's module arrives by a dynamic `import` of
 * the URL the runner resolved, through the same ES module loader as a static one.
 * Started as `node cold-driver.mjs <client> <module URL> <server URL> <cycles>`.
 */
import type * as Library from '../src/node.js';
import { createClient } from './clients.js';

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
// The clients of the other methods (`clients.ts`), made from the one module this process loaded.
const under = createClient(
  client === 'ws' ? 'ws' : 'wx',
  client === 'ws' ? { WebSocket: (module as typeof import('ws')).default } : { library: module as typeof Library },
);
const ignore = (): void => {};

start = performance.now();
cpu = process.cpuUsage();
for (let i = 0; i < cycles; i++) await (await under.open(url, ignore)).close();
const measurement: ColdMeasurement = {
  importMs,
  importCpuMs,
  cyclesMs: performance.now() - start,
  cyclesCpuMs: cpuMs(process.cpuUsage(cpu)),
  processCpuMs: cpuMs(process.cpuUsage()),
};
process.stdout.write(`${JSON.stringify(measurement)}\n`);
