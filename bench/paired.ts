/**
 * The paired method: every client in one process, run in short slices that take turns (ABCD, BCDA, …), so that
 * each wx slice is compared with a `ws` slice taken a fraction of a second before or after it.
 *
 * Why a second method: the separate-process method (one fresh process per measurement) compares runs seconds
 * apart, each with its own JIT decisions; on a shared machine its per-round ratios spread over ±30% and the
 * medians of the same code move by up to ±10% from run to run, too much to tell 0.97 from 1. Here every client runs
 * with the same `ws` code, compiled once, and a slow spell of the machine falls on neighbouring slices alike. A
 * second `ws` client (`ws-control`), measured against the first exactly as wx is, shows what is left of the method's
 * own bias and noise.
 */
import { clientOrder, type Client, type ClientName } from './clients.js';
import { measurementOf, type Measurement, type Session, type Workload } from './workloads.js';

/** How a paired measurement runs. */
export interface PairedPlan {
  /** Run by each client in turn before any slice is measured, split over two turns. */
  readonly warmupMs: number;
  /** Measured slices per client. */
  readonly slices: number;
  readonly sliceMs: number;
}

/** Per client, one measurement per slice, in slice order: slice `i` of every client was taken in the same turn. */
export type PairedMeasurements = Partial<Record<ClientName, Measurement[]>>;

/** Runs a throughput workload's session for every client, in turns. */
export async function runPaired(
  session: NonNullable<Workload['session']>,
  clients: ReadonlyMap<ClientName, Client>,
  url: string,
  plan: PairedPlan,
): Promise<PairedMeasurements> {
  const sessions = new Map<ClientName, Session>();
  try {
    for (const [name, client] of clients) sessions.set(name, await session(client, url));
    const names = [...sessions.keys()];
    // Each client warms up twice, after the others have run too: V8 then optimises each with all of them loaded.
    for (let turn = 0; turn < 2; turn++) for (const name of names) await sessions.get(name)!.run(plan.warmupMs / 2);
    const measurements: PairedMeasurements = Object.fromEntries(names.map((name) => [name, []]));
    for (let slice = 0; slice < plan.slices; slice++) {
      for (const name of clientOrder(names, slice)) {
        measurements[name]!.push(measurementOf(await sessions.get(name)!.run(plan.sliceMs)));
      }
    }
    return measurements;
  } finally {
    await Promise.all([...sessions.values()].map((open) => open.close()));
  }
}
