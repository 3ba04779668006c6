/**
 * Runs one workload in a fresh process (so that no run inherits another's heap, JIT state or sockets) and prints
 * its measurement as one JSON line: one client's (the separate-process method), or every client's in slices (the
 * paired method, `paired.ts`). Started by the runner as `node --expose-gc driver.mjs '<job as JSON>'`.
 */
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import type * as Library from '../src/node.js';
import { createClient, isWx, type ClientName } from './clients.js';
import { runPaired, type PairedPlan } from './paired.js';
import { WORKLOADS, type Limits, type Workload, type WorkloadName } from './workloads.js';

/** What the runner asks a driver to do. */
export interface Job {
  readonly workload: WorkloadName;
  readonly url: string;
  /** The built library's entry point (`node.js` of a build of `src/`), as a file path. */
  readonly library: string;
  /** The driver exits with an error after this long, whatever it is doing. */
  readonly timeLimitMs: number;
  /** The separate-process method: one client, warm-up then one measured window. */
  readonly client?: ClientName;
  readonly limits?: Limits;
  /** The paired method: these clients in turns. */
  readonly paired?: PairedPlan & { readonly clients: readonly ClientName[] };
}

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (!job) throw new Error('usage: driver.mjs <job as JSON>');

const watchdog = setTimeout(() => {
  console.error(`driver: ${job.workload} ran past ${job.timeLimitMs} ms`);
  process.exit(3);
}, job.timeLimitMs);
watchdog.unref();

const names = job.paired?.clients ?? [job.client!];
const library = names.some(isWx) ? ((await import(pathToFileURL(job.library).href)) as typeof Library) : undefined;
const modules = { WebSocket, library };
const workload: Workload = WORKLOADS[job.workload];
let result: unknown;
if (job.paired) {
  if (!workload.session)
    throw new Error(`${job.workload} is not a throughput workload: the paired method cannot run it`);
  const clients = new Map(names.map((name) => [name, createClient(name, modules)]));
  result = await runPaired(workload.session, clients, job.url, job.paired);
} else {
  result = await workload.run(createClient(job.client!, modules), job.url, job.limits!);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
