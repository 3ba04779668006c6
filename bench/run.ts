/**
 * The benchmark runner: `npm run bench` (quick, a few minutes) or `npm run bench:full`.
 *
 * It starts the echo server in its own process, then for each workload runs the clients one after the other, in a
 * fresh driver process each, round after round, alternating their order (ABC, CBA, …) so that a slow spell of the
 * machine falls on all of them alike. Each round gives one ratio wx/ws from measurements taken seconds apart.
 * Results go to `bench/results/<mode>.json` and a table to stdout; `--docs` also rewrites the results section of
 * `docs/benchmarks.md` and the chart `docs/benchmarks-ratios.svg`.
 *
 * Options: `--full`; `--only <workload,…>`; `--rounds <n>`; `--docs`; `--library <path>` to measure another build
 * of wxsocket than that of `src/` (a proposed change, say), with results in `node_modules/.cache/wxsocket-bench/`
 * and never in the docs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ratiosChart } from './chart.js';
import { CLIENT_NAMES, type ClientName } from './clients.js';
import type { Job } from './driver.js';
import { BUILD_DIR, ROOT, buildLibrary, bundleScripts, runDriver, startEchoServer } from './processes.js';
import { resultsSection, updateDocSection } from './report.js';
import type { Mode, RunResults, WorkloadResults } from './results.js';
import { formatNumber } from './stats.js';
import { WORKLOADS, type Limits, type WorkloadName } from './workloads.js';

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

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    docs: { type: 'boolean', default: false },
    library: { type: 'string' },
  },
});
const mode: Mode = args.full ? 'full' : 'quick';
const settings = MODES[mode];
const workloadNames = (args.only?.split(',') ?? Object.keys(WORKLOADS)) as WorkloadName[];
for (const name of workloadNames) if (!(name in WORKLOADS)) throw new Error(`unknown workload ${name}`);
const library = args.library === undefined ? await buildLibrary() : resolve(args.library);
if (!existsSync(library)) throw new Error(`no library at ${library}`);

const startedAt = new Date();
const commit = commitOf();
const loadAtStart = loadavg()[0]!;
const scripts = await bundleScripts();
const echo = await startEchoServer(scripts);
const { url } = echo;
const workloads: RunResults['workloads'] = {};
const failures: string[] = [];

try {
  for (const name of workloadNames) {
    const rounds = Number(args.rounds ?? (name === 'idle-10k' ? settings.manyRounds : settings.rounds));
    const results = Object.fromEntries(CLIENT_NAMES.map((client) => [client, []])) as unknown as WorkloadResults;
    workloads[name] = results;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? CLIENT_NAMES : [...CLIENT_NAMES].reverse();
      for (const client of order) {
        const job: Job = { workload: name, client, url, limits: settings.limits, library, timeLimitMs: timeLimit(name) };
        results[client][round] = await runDriver(scripts, job).catch((error: unknown) => {
          failures.push(`${name} round ${round + 1} ${client}: ${String(error)}`);
          return null;
        });
      }
      console.error(progressLine(name, round, rounds, results));
    }
  }
} finally {
  echo.stop();
}

const results: RunResults = {
  date: startedAt.toISOString(),
  mode,
  command: mode === 'full' ? 'npm run bench:full' : 'npm run bench',
  library: args.library === undefined ? 'src/ (tsc, tsconfig.build.json)' : relative(ROOT, library),
  commit,
  machine: {
    node: process.version,
    ws: (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    load: [loadAtStart, loadavg()[0]!],
  },
  limits: settings.limits,
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  workloads,
  failures,
};

// A run of another build is kept apart, out of the repository: the results file and the docs are for `src/`.
const resultsDir = args.library === undefined ? join(ROOT, 'bench', 'results') : BUILD_DIR;
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `${mode}.json`), `${JSON.stringify(results, null, 1)}\n`);
const section = resultsSection(results);
console.log(section);
if (args.docs && args.library === undefined) {
  updateDocSection(join(ROOT, 'docs', 'benchmarks.md'), section);
  writeFileSync(join(ROOT, 'docs', 'benchmarks-ratios.svg'), ratiosChart(results));
}
for (const failure of failures) console.error(`FAILED ${failure}`);
process.exitCode = failures.length > 0 ? 1 : 0;

/** The commit measured, marked when `src/` has uncommitted changes (which the build then includes). */
function commitOf(): string {
  const git = (...gitArgs: string[]): string => execFileSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    const dirty = args.library === undefined && git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Time a driver may take: its measured phases plus generous room for opening and closing. */
function timeLimit(name: WorkloadName): number {
  const { warmupMs, durationMs } = settings.limits;
  return warmupMs + durationMs + (name === 'idle-10k' ? 120_000 : 30_000);
}

function progressLine(name: WorkloadName, round: number, rounds: number, results: WorkloadResults): string {
  const ws = results.ws[round]?.value;
  const figures = CLIENT_NAMES.map((client: ClientName) => {
    const value = results[client][round]?.value;
    const ratio = value !== undefined && ws !== undefined && client !== 'ws' ? ` (${(value / ws).toFixed(3)})` : '';
    return `${client} ${value === undefined ? 'failed' : formatNumber(value)}${ratio}`;
  });
  return `${name} round ${round + 1}/${rounds}: ${figures.join(', ')}`;
}
