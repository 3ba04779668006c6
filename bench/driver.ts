/**
 * Runs one workload with one client, in a fresh process (so that no run inherits another's heap, JIT state or
 * sockets), and prints its measurement as one JSON line. Started by the runner as
 * `node --expose-gc driver.mjs '<job as JSON>'`.
 */
import { pathToFileURL } from 'node:url';
import type * as Library from '../src/node.js';
import { createClient, type ClientName } from './clients.js';
import { WORKLOADS, type Limits, type WorkloadName } from './workloads.js';

/** What the runner asks a driver to do. */
export interface Job {
  readonly workload: WorkloadName;
  readonly client: ClientName;
  readonly url: string;
  readonly limits: Limits;
  /** The built library's entry point (`node.js` of a build of `src/`), as a file path. */
  readonly library: string;
  /** The driver exits with an error after this long, whatever it is doing. */
  readonly timeLimitMs: number;
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (!job) throw new Error('usage: driver.mjs <job as JSON>');

const watchdog = setTimeout(() => {
  console.error(`driver: ${job.workload} with ${job.client} ran past ${job.timeLimitMs} ms`);
  process.exit(3);
}, job.timeLimitMs);
watchdog.unref();

const library = job.client === 'ws' ? undefined : ((await import(pathToFileURL(job.library).href)) as typeof Library);
const measurement = await WORKLOADS[job.workload].run(createClient(job.client, library), job.url, job.limits);
process.stdout.write(`${JSON.stringify(measurement)}\n`);
