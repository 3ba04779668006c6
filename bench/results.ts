/** The record of one benchmark run, as the runner writes it to `bench/results/<mode>.json` and the reports read it. */
import type { ClientName } from './clients.js';
import type { PairedPlan } from './paired.js';
import type { Limits, Measurement, WorkloadName } from './workloads.js';

export type Mode = 'quick' | 'full';

/**
 * One workload's measurements: per client, one entry per round (`null` where that run failed); with the paired
 * method, one entry per slice, the slices of every process in order, and a control client besides.
 */
export type WorkloadResults = Record<Exclude<ClientName, 'ws-control'>, Array<Measurement | null>> & {
  'ws-control'?: Array<Measurement | null>;
};

export interface RunResults {
  /** ISO date and time of the start of the run. */
  readonly date: string;
  readonly mode: Mode;
  /** The command that reproduces the run. */
  readonly command: string;
  /** The build of wxsocket measured, relative to the repository. */
  readonly library: string;
  /** The commit it was built from, as `git rev-parse --short HEAD` (with a note when `src/` had edits). */
  readonly commit: string;
  readonly machine: {
    readonly node: string;
    readonly ws: string;
    readonly cpu: string;
    readonly cores: number;
    /** 1-minute load averages at the start and end of the run: above the core count, the machine was busy. */
    readonly load: readonly [start: number, end: number];
    /** Which CPU the echo server and the drivers ran on (`Placement`); absent in runs from before it was chosen. */
    readonly placement?: string;
  };
  /** A run of the separate-process method: each measurement's warm-up, window and event bound. */
  readonly limits?: Limits;
  /** A run of the paired method: processes per workload, and what each ran. */
  readonly paired?: PairedPlan & { readonly processes: number };
  /** The workloads that warmed up for longer than the mode's warm-up (`warmupFor`), and for how long, in ms. */
  readonly longerWarmups?: Partial<Record<WorkloadName, number>>;
  readonly durationSeconds: number;
  readonly workloads: Partial<Record<WorkloadName, WorkloadResults>>;
  /** What failed, one line each. */
  readonly failures: readonly string[];
}

/** The name of a run's results file, and of its section in the docs: `quick`, `full`, `quick-paired`, … */
export const resultsName = (results: RunResults): string => `${results.mode}${results.paired ? '-paired' : ''}`;

/** The values of some measurements, per round, `null` kept in place so that rounds stay paired. */
export function values(
  runs: ReadonlyArray<Measurement | null>,
  pick: (m: Measurement) => number | undefined = (m) => m.value,
): Array<number | null> {
  return runs.map((run) => (run ? (pick(run) ?? null) : null));
}

/** Per-round `f(wx, ws)` over the rounds where both ran. */
export function perRound(
  a: ReadonlyArray<number | null>,
  b: ReadonlyArray<number | null>,
  f: (a: number, b: number) => number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x != null && y != null) out.push(f(x, y));
  }
  return out;
}

/** The non-null values. */
export function present(list: ReadonlyArray<number | null>): number[] {
  return list.filter((value): value is number => value !== null);
}
