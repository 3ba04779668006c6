/**
 * The cold-start method: `npm run bench:cold`. Sequential open + close as a short-lived program meets it: each client
 * in a fresh process that imports its module and runs a fixed number of cycles at once, with no warm-up, as a
 * harness that times whole processes does. The other methods warm up first, which leaves out what a fresh process
 * pays: loading the modules, and running the code while V8 still interprets and compiles it.
 *
 * Each round runs `ws`, `ws-control` (the same `ws` again: the method's noise) and `wx`, in rotating order, one
 * process each, pinned as the other methods' drivers are (`placement`). Per round it gives ratios to `ws`: the rate
 * of the cycles (wx/ws), their CPU time (ws/wx, every thread), and the process's CPU time and wall time from its
 * start (ws/wx), start-up included.
 *
 * With `--instructions`, callgrind counts the instructions of whole processes instead (`--single-threaded`, so that
 * V8 compiles on the main thread at the same points in every run): a process with no cycles (start-up) and one with
 * `--cycles`, for each client.
 *
 * Options: `--cycles <n>` (1000), `--rounds <n>` (15; 3 with `--instructions`), `--library <path>` (another build,
 * whose results go to `node_modules/.cache/wxsocket-bench/`), `--instructions`, `--out <name>` (results as
 * `bench/results/<name>.json`; by default `cold-<cycles>`, with `-instructions` after it for a count).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { clientOrder } from './clients.js';
import type { ColdMeasurement } from './cold-driver.js';
import { checkResultsName, libraryUnderTest, writeResults } from './library.js';
import { bundleScripts, placement, runNode, startEchoServer } from './processes.js';
import { formatNumber, summarize, type Summary } from './stats.js';

const CLIENTS = ['ws', 'ws-control', 'wx'] as const;
type Client = (typeof CLIENTS)[number];

const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '1000' },
    rounds: { type: 'string' },
    library: { type: 'string' },
    instructions: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const cycles = Number(args.cycles);
const rounds = Number(args.rounds ?? (args.instructions ? 3 : 15));
if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`--cycles takes a whole number ≥ 1: ${args.cycles}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number ≥ 1: ${args.rounds}`);
const out = args.out ?? `cold-${cycles}${args.instructions ? '-instructions' : ''}`;
checkResultsName(out);

const library = await libraryUnderTest(args.library);
/** What each client's program imports, resolved as `import` resolves it: `ws`'s ES module entry, or the build. */
const moduleUrls: Record<Client, string> = {
  ws: import.meta.resolve('ws'),
  'ws-control': import.meta.resolve('ws'),
  wx: pathToFileURL(library.entry).href,
};
const scripts = await bundleScripts();
const where = placement();
const echo = await startEchoServer(scripts, where.server);
const startedAt = new Date();
const loadAtStart = loadavg()[0]!;

let results: object;
try {
  results = args.instructions ? await countInstructions() : await timeRounds();
} finally {
  echo.stop();
}
const record = {
  date: startedAt.toISOString(),
  command: `npm run bench:cold -- ${process.argv.slice(2).join(' ')}`.trim(),
  library: library.label,
  commit: library.commit,
  machine: { node: process.version, load: [loadAtStart, loadavg()[0]!], placement: where.description },
  cycles,
  rounds,
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  ...results,
};
writeResults(library, out, record);

/** One measurement of a fresh process, with its wall time from spawn to exit. */
type Timed = ColdMeasurement & { readonly processMs: number };

async function timeRounds(): Promise<{ readonly rounds: Record<Client, Timed[]> }> {
  const measured = Object.fromEntries(CLIENTS.map((client) => [client, [] as Timed[]])) as Record<Client, Timed[]>;
  for (let round = 0; round < rounds; round++) {
    for (const client of clientOrder(CLIENTS, round)) {
      const started = performance.now();
      const stdout = await runNode(driverArgs(client, cycles), where.driver);
      const measurement = JSON.parse(stdout.trim().split('\n').at(-1)!) as ColdMeasurement;
      measured[client].push({ ...measurement, processMs: performance.now() - started });
    }
    const ratio = (client: Client) => (measured.ws[round]!.processMs / measured[client][round]!.processMs).toFixed(3);
    console.error(
      `round ${round + 1}/${rounds}: process time ws/x: ws-control ${ratio('ws-control')}, wx ${ratio('wx')}`,
    );
  }
  console.log(timedTable(measured));
  return { rounds: measured };
}

/** The medians per client, and per client its ratios to `ws` in each round: above 1 is better than `ws`. */
function timedTable(measured: Record<Client, Timed[]>): string {
  // Each client's medians; then its ratios to `ws`, each `ws`'s cost over the client's (for the rate: its time).
  const figures: ReadonlyArray<readonly [heading: string, figure: (x: Timed) => number]> = [
    ['cycles/s', (x) => (cycles / x.cyclesMs) * 1000],
    ['CPU µs per cycle', (x) => (x.cyclesCpuMs / cycles) * 1000],
    ['import ms', (x) => x.importMs],
    ['process CPU ms', (x) => x.processCpuMs],
    ['process ms', (x) => x.processMs],
  ];
  const costs: ReadonlyArray<readonly [heading: string, cost: (x: Timed) => number]> = [
    ['rate of the cycles', (x) => x.cyclesMs],
    ['CPU time of the cycles', (x) => x.cyclesCpuMs],
    ['process CPU time', (x) => x.processCpuMs],
    ['process wall time', (x) => x.processMs],
  ];
  const median = (client: Client, figure: (x: Timed) => number) =>
    formatNumber(summarize(measured[client].map(figure)).median);
  const ratios = (client: Client, cost: (x: Timed) => number) =>
    range(summarize(measured[client].map((x, round) => cost(measured.ws[round]!) / cost(x))));
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const ruler = (columns: number) => row(['---', ...Array<string>(columns).fill('---:')]);
  return [
    `${cycles} sequential open + close cycles per fresh process, ${rounds} rounds (${where.description}).`,
    '',
    row(['client', ...figures.map(([heading]) => heading)]),
    ruler(figures.length),
    ...CLIENTS.map((client) => row([client, ...figures.map(([, figure]) => median(client, figure))])),
    '',
    'Ratios to `ws` per round, median (range); above 1 is better than `ws`:',
    '',
    row(['client', ...costs.map(([heading]) => heading)]),
    ruler(costs.length),
    ...CLIENTS.filter((client) => client !== 'ws').map((client) =>
      row([client, ...costs.map(([, cost]) => ratios(client, cost))]),
    ),
  ].join('\n');
}

/** Instructions of whole processes under callgrind: start-up alone, and start-up with the cycles. */
async function countInstructions(): Promise<{ readonly instructions: Record<string, number[]> }> {
  const scratch = mkdtempSync(join(tmpdir(), 'wxsocket-cold-'));
  const counts: Record<string, number[]> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const client of ['ws', 'wx'] as const) {
        // Both counts at once: two cores, and an instruction count does not depend on timing.
        const [startup, whole] = await Promise.all([0, cycles].map((count) => countOnce(scratch, client, count)));
        (counts[`${client} start-up`] ??= []).push(startup!);
        (counts[`${client} cycles`] ??= []).push(whole! - startup!);
        console.error(
          `round ${round + 1}/${rounds} ${client}: start-up ${millions(startup!)}, cycles ${millions(whole! - startup!)}`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const median = (name: string) => summarize(counts[name]!).median;
  const row = (part: string, ws: number, wx: number) =>
    `| ${part} | ${millions(ws)} | ${millions(wx)} | ${(ws / wx).toFixed(3)} |`;
  console.log(
    [
      `Instructions (millions) of whole processes, median of ${rounds} (callgrind, --single-threaded):`,
      '',
      '| part | ws | wx | ws/wx |',
      '| --- | ---: | ---: | ---: |',
      row('start-up (import)', median('ws start-up'), median('wx start-up')),
      row(`${cycles} cycles`, median('ws cycles'), median('wx cycles')),
      row('whole process', median('ws start-up') + median('ws cycles'), median('wx start-up') + median('wx cycles')),
    ].join('\n'),
  );
  return { instructions: counts };
}

async function countOnce(scratch: string, client: 'ws' | 'wx', count: number): Promise<number> {
  const file = join(scratch, `${client}-${count}-${Math.random().toString(36).slice(2)}.callgrind`);
  const callgrind = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${file}`];
  await runNode(driverArgs(client, count), callgrind, ['--single-threaded']);
  const totals = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!totals) throw new Error(`no callgrind totals in ${file}`);
  return Number(totals[1]);
}

function driverArgs(client: Client, count: number): string[] {
  return [scripts.coldDriver, client === 'ws-control' ? 'ws' : client, moduleUrls[client], echo.url, String(count)];
}

function millions(instructions: number): string {
  return formatNumber(instructions / 1e6);
}

function range({ median, min, max }: Summary): string {
  return `${median.toFixed(3)} (${min.toFixed(3)}–${max.toFixed(3)})`;
}
