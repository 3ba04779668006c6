/**
 * The benchmark runner: `npm run bench` (quick, a few minutes) or `npm run bench:full`.
 *
 * It starts the echo server in its own process, then for each workload runs the clients one after the other, in a
 * fresh driver process each, round after round, rotating their order (ABC, BCA, CAB, …) so that a slow spell of the
 * machine falls on all of them alike. Each round gives one ratio wx/ws from measurements taken seconds apart.
 * With `--paired`, the throughput workloads run by the paired method instead (`paired.ts`): every client in one
 * process, in slices that take turns, several processes per workload.
 * Results go to `bench/results/<mode>[-paired].json` and a table to stdout; `--docs` also rewrites the results
 * section of `docs/benchmarks.md` and the chart `docs/benchmarks-ratios.svg` (`-paired.svg`).
 *
 * Options: `--full`; `--paired`; `--only <workload,…>`; `--rounds <n>` (processes, with `--paired`); `--docs`;
 * `--library <path>` to measure another build of wxsocket than that of `src/` (a proposed change, say), with
 * results in `node_modules/.cache/wxsocket-bench/` and never in the docs; `--out <name>` to write the results as
 * `<name>.json` instead of `<mode>[-paired].json` (a run of a few workloads that must not replace the full run's).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ratiosChart } from './chart.js';
import { CLIENT_NAMES, PAIRED_CLIENT_NAMES, clientOrder } from './clients.js';
import type { Job } from './driver.js';
import type { PairedMeasurements, PairedPlan } from './paired.js';
import { checkResultsName, libraryUnderTest, writeResults } from './library.js';
import { ROOT, bundleScripts, placement, runDriver, startEchoServer } from './processes.js';
import { pairedRatios, resultsSection, updateDocSection } from './report.js';
import { resultsName, type Mode, type RunResults, type WorkloadResults } from './results.js';
import { formatNumber } from './stats.js';
import { WORKLOADS, warmupFor, type Limits, type WorkloadName } from './workloads.js';

interface ModeSettings {
  readonly limits: Limits;
  readonly rounds: number;
  /** Rounds of the 10,000-connection workload, the longest. */
  readonly manyRounds: number;
}

/**
 * Warm-up is long enough for V8 to have optimised both clients' hot paths (wx has more code to compile: with 0.3 s
 * its background compilation still ran in the measured window and cost it 15–30% of CPU time per event).
 */
const MODES: Record<Mode, ModeSettings> = {
  quick: { limits: { warmupMs: 1000, durationMs: 1200, maxEvents: 2_000_000 }, rounds: 5, manyRounds: 1 },
  full: { limits: { warmupMs: 2000, durationMs: 4000, maxEvents: 10_000_000 }, rounds: 11, manyRounds: 3 },
};

/** The paired method: driver processes per workload (`rounds`), and what each runs. */
const PAIRED: Record<Mode, { readonly rounds: number; readonly plan: PairedPlan }> = {
  quick: { rounds: 3, plan: { warmupMs: 1000, slices: 16, sliceMs: 200 } },
  full: { rounds: 5, plan: { warmupMs: 2000, slices: 40, sliceMs: 250 } },
};

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    paired: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    docs: { type: 'boolean', default: false },
    library: { type: 'string' },
    out: { type: 'string' },
  },
});
const mode: Mode = args.full ? 'full' : 'quick';
const settings = MODES[mode];
const paired = args.paired ? PAIRED[mode] : undefined;
/** The paired method runs the throughput workloads only. */
const runnable = (name: WorkloadName): boolean => !paired || 'session' in WORKLOADS[name];
const workloadNames = (args.only?.split(',') ??
  (Object.keys(WORKLOADS) as WorkloadName[]).filter(runnable)) as WorkloadName[];
for (const name of workloadNames) {
  if (!(name in WORKLOADS)) throw new Error(`unknown workload ${name}`);
  if (!runnable(name)) throw new Error(`${name} is not a throughput workload: --paired cannot run it`);
}
checkResultsName(args.out);
const libraryUnder = await libraryUnderTest(args.library);
const library = libraryUnder.entry;

const startedAt = new Date();
const loadAtStart = loadavg()[0]!;
const scripts = await bundleScripts();
const where = placement();
const echo = await startEchoServer(scripts, where.server);
const { url } = echo;
const workloads: RunResults['workloads'] = {};
const failures: string[] = [];

try {
  for (const name of workloadNames)
    workloads[name] = paired ? await runPairedWorkload(name, paired) : await runSeparateWorkload(name);
} finally {
  echo.stop();
}

const results: RunResults = {
  date: startedAt.toISOString(),
  mode,
  command: `${mode === 'full' ? 'npm run bench:full' : 'npm run bench'}${paired ? ' -- --paired' : ''}`,

  library: libraryUnder.label,
  commit: libraryUnder.commit,
  machine: {
    node: process.version,
    ws: (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string })
      .version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    load: [loadAtStart, loadavg()[0]!],
    placement: where.description,
  },
  ...(paired
    ? { paired: { processes: Number(args.rounds ?? paired.rounds), ...paired.plan } }
    : { limits: settings.limits }),
  longerWarmups: longerWarmups(paired?.plan.warmupMs ?? settings.limits.warmupMs),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  workloads,
  failures,
};

writeResults(libraryUnder, args.out ?? resultsName(results), results);
const section = resultsSection(results);
console.log(section);
if (args.docs && libraryUnder.ofSrc) {
  updateDocSection(join(ROOT, 'docs', 'benchmarks.md'), section, results);
  writeFileSync(join(ROOT, 'docs', paired ? 'benchmarks-paired.svg' : 'benchmarks-ratios.svg'), ratiosChart(results));
}
for (const failure of failures) console.error(`FAILED ${failure}`);
process.exitCode = failures.length > 0 ? 1 : 0;

/** The separate-process method: each client in a fresh process per round, in rotating order. */
async function runSeparateWorkload(name: WorkloadName): Promise<WorkloadResults> {
  const rounds = Number(args.rounds ?? (name === 'idle-10k' ? settings.manyRounds : settings.rounds));
  const results = Object.fromEntries(CLIENT_NAMES.map((client) => [client, []])) as unknown as WorkloadResults;
  const limits = { ...settings.limits, warmupMs: warmupFor(name, settings.limits.warmupMs) };
  for (let round = 0; round < rounds; round++) {
    for (const client of clientOrder(CLIENT_NAMES, round)) {
      const job: Job = { workload: name, client, url, limits, library, timeLimitMs: timeLimit(name) };
      results[client][round] = await runDriver(scripts, job, where.driver).catch((error: unknown) => {
        failures.push(`${name} round ${round + 1} ${client}: ${String(error)}`);
        return null;
      });
    }
    console.error(progressLine(name, round, rounds, results));
  }
  return results;
}

/** The paired method: every client in one process per round, its slices appended in order. */
async function runPairedWorkload(
  name: WorkloadName,
  { rounds: defaultRounds, plan: modePlan }: (typeof PAIRED)[Mode],
): Promise<WorkloadResults> {
  const rounds = Number(args.rounds ?? defaultRounds);
  const plan = { ...modePlan, warmupMs: warmupFor(name, modePlan.warmupMs) };
  const results = Object.fromEntries(PAIRED_CLIENT_NAMES.map((client) => [client, []])) as unknown as WorkloadResults;
  for (let round = 0; round < rounds; round++) {
    const job: Job = {
      workload: name,
      url,
      library,
      timeLimitMs: pairedTimeLimit(plan),
      paired: { ...plan, clients: PAIRED_CLIENT_NAMES },
    };
    const measurements = await runDriver<PairedMeasurements>(scripts, job, where.driver).catch((error: unknown) => {
      failures.push(`${name} process ${round + 1}: ${String(error)}`);
      return {} as PairedMeasurements;
    });
    // Slices stay aligned across processes: a failed process leaves its slices empty.
    for (const client of PAIRED_CLIENT_NAMES)
      results[client]!.push(...(measurements[client] ?? Array<null>(plan.slices).fill(null)));
    const medians = measurements.ws
      ? PAIRED_CLIENT_NAMES.filter((client) => client !== 'ws').map(
          (client) =>
            `${client} ${pairedRatios(measurements as WorkloadResults, client, plan.slices).pooled.toFixed(3)}`,
        )
      : ['failed'];
    console.error(`${name} process ${round + 1}/${rounds}: median ratio to ws: ${medians.join(', ')}`);
  }
  return results;
}

/**
 * Time a paired driver may take: every client's warm-up and slices, twice over, and room for opening and closing. A
 * slice lasts at least one event, and a connection storm's event takes up to seconds on a busy machine.
 */
function pairedTimeLimit({ warmupMs, slices, sliceMs }: PairedPlan): number {
  return 2 * PAIRED_CLIENT_NAMES.length * (warmupMs + slices * Math.max(sliceMs, 3_000)) + 60_000;
}

/** The workloads of this run that warm up for longer than the mode's `modeWarmupMs`, with their warm-up. */
function longerWarmups(modeWarmupMs: number): NonNullable<RunResults['longerWarmups']> {
  const longer = workloadNames.filter((name) => warmupFor(name, modeWarmupMs) > modeWarmupMs);
  return Object.fromEntries(longer.map((name) => [name, warmupFor(name, modeWarmupMs)]));
}

/** Time a driver may take: its measured phases plus generous room for opening and closing. */
function timeLimit(name: WorkloadName): number {
  const { warmupMs, durationMs } = settings.limits;
  return warmupFor(name, warmupMs) + durationMs + (name === 'idle-10k' ? 120_000 : 30_000);
}

function progressLine(name: WorkloadName, round: number, rounds: number, results: WorkloadResults): string {
  const ws = results.ws[round]?.value;
  const figures = CLIENT_NAMES.map((client) => {
    const value = results[client][round]?.value;
    const ratio = value !== undefined && ws !== undefined && client !== 'ws' ? ` (${(value / ws).toFixed(3)})` : '';
    return `${client} ${value === undefined ? 'failed' : formatNumber(value)}${ratio}`;
  });
  return `${name} round ${round + 1}/${rounds}: ${figures.join(', ')}`;
}
