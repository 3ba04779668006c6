/**
 * Instructions per operation, counted with valgrind's callgrind: where the machine's noise hides a difference in
 * time, an instruction count does not. Each measurement runs twice, for a small and a large fixed number of
 * operations, and the figure is the difference divided by the difference in operations: the marginal cost of one
 * operation, with start-up and compilation cancelled out. Node runs with `--single-threaded`, so that V8 compiles
 * and collects at the same points in every run (with background threads, the counts of two identical runs differ
 * by up to half). Even so, V8 does not always reach the same optimised code: `send` has been counted at 40 and at
 * 570 instructions in two runs of one build (whether the option object was optimised away). So each figure is
 * measured `--repeat` times (default 3) and shown as median (min–max).
 *
 * - `npm run bench:instructions`: the wx layer alone over a null transport (`layer.ts`), for the build of `src/`, and
 * with
 *   `--compare <library>` for a second build too (a proposed change), side by side. About 15 minutes.
 * - `npm run bench:instructions -- --network`: the network workloads, `ws` against `wx` against `wx-nodelay`
 *   (the client process only; the echo server runs natively). About 15 minutes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_NAMES } from './clients.js';
import type { Job } from './driver.js';
import { libraryUnderTest } from './library.js';
import { bundleScripts, runDriver, runNode, startEchoServer, type Scripts } from './processes.js';
import { formatNumber, summarize, type Summary } from './stats.js';
import type { WorkloadName } from './workloads.js';

/** The operations of `layer.ts`. */
const LAYER_OPERATIONS = ['send-text', 'send-binary', 'send-success', 'receive-text', 'receive-binary', 'open-close'];
/** Small and large counts per layer operation and network workload. */
const LAYER_COUNTS = { messages: [100_000, 600_000], connections: [1_000, 6_000] } as const;
const NETWORK_COUNTS: Partial<Record<WorkloadName, readonly [number, number]>> = {
  'text-32-pingpong': [2_000, 12_000],
  'text-32-pipelined': [4_000, 24_000],
  'binary-64k-pingpong': [500, 2_500],
  'open-close': [100, 600],
  'storm-1000': [1_000, 3_000],
  'fan-in-100': [2_000, 12_000],
};
const NODE_FLAGS = ['--single-threaded'];

const { values: args } = parseArgs({
  options: {
    network: { type: 'boolean', default: false },
    compare: { type: 'string' },
    library: { type: 'string' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '3' },
  },
});
const repeat = Number(args.repeat);
const library = (await libraryUnderTest(args.library)).entry;
const scripts = await bundleScripts();
const scratch = mkdtempSync(join(tmpdir(), 'wxsocket-callgrind-'));
try {
  if (args.network) await countNetwork(scripts);
  else await countLayer(scripts, args.compare === undefined ? undefined : resolve(args.compare));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

async function countLayer(scripts: Scripts, compare: string | undefined): Promise<void> {
  const operations = args.only?.split(',') ?? LAYER_OPERATIONS;
  console.log(
    compare ? '| operation | src/ | compared build | change |' : '| operation | instructions per operation |',
  );
  console.log(compare ? '| --- | ---: | ---: | ---: |' : '| --- | ---: |');
  for (const operation of operations) {
    const counts = operation === 'open-close' ? LAYER_COUNTS.connections : LAYER_COUNTS.messages;
    const measure = (build: string) =>
      marginal(counts, (count, out) =>
        runNode([scripts.layer, operation, String(count), build], callgrind(out), NODE_FLAGS).then(operationsDone),
      );
    // Both builds at once: two cores, and callgrind counts do not depend on timing.
    const [base, other] = await Promise.all([measure(library), compare ? measure(compare) : undefined]);
    if (other === undefined) console.log(`| ${operation} | ${formatRange(base)} |`);
    else
      console.log(
        `| ${operation} | ${formatRange(base)} | ${formatRange(other)} | ${formatSigned(other.median - base.median)} |`,
      );
  }
}

async function countNetwork(scripts: Scripts): Promise<void> {
  const echo = await startEchoServer(scripts);
  try {
    console.log('| workload | client | instructions per event | ratio to ws |');
    console.log('| --- | --- | ---: | ---: |');
    for (const name of (args.only?.split(',') ?? Object.keys(NETWORK_COUNTS)) as WorkloadName[]) {
      const counts = NETWORK_COUNTS[name];
      if (!counts) throw new Error(`no instruction count for ${name}`);
      let wsCost = Number.NaN;
      for (const client of CLIENT_NAMES) {
        const cost = await marginal(counts, async (count, out) => {
          // No warm-up to speak of (it ends at its first clock reading, after 16 events) and no time limit: the run
          // ends on its count.
          const limits = { warmupMs: 0, durationMs: 3_600_000, maxEvents: count };
          const job: Job = { workload: name, client, url: echo.url, limits, library, timeLimitMs: 1_800_000 };
          const measurement = await runDriver(scripts, job, callgrind(out), NODE_FLAGS);
          return measurement.extra['counted'] ?? count;
        });
        if (client === 'ws') wsCost = cost.median;
        console.log(`| ${name} | ${client} | ${formatRange(cost)} | ${(cost.median / wsCost).toFixed(3)} |`);
      }
    }
  } finally {
    echo.stop();
  }
}

/**
 * Runs `run` under callgrind for the small and the large count (at once), `repeat` times, and summarises the
 * instructions per operation between them. `run` returns the operations actually done.
 */
async function marginal(
  counts: readonly [number, number],
  run: (count: number, out: string) => Promise<number>,
): Promise<Summary> {
  const costs: number[] = [];
  for (let i = 0; i < repeat; i++) costs.push(await marginalOnce(counts, run));
  return summarize(costs);
}

async function marginalOnce(
  counts: readonly [number, number],
  run: (count: number, out: string) => Promise<number>,
): Promise<number> {
  const [small, large] = await Promise.all(
    counts.map(async (count) => {
      const out = join(scratch, `${Math.random().toString(36).slice(2)}.callgrind`);
      const done = await run(count, out);
      const totals = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(out, 'utf8'));
      if (!totals) throw new Error(`no callgrind totals in ${out}`);
      return { instructions: Number(totals[1]), done };
    }),
  );
  return (large!.instructions - small!.instructions) / (large!.done - small!.done);
}

function callgrind(out: string): string[] {
  return ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`];
}

function operationsDone(stdout: string): number {
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { operations: number }).operations;
}

function formatRange(summary: Summary): string {
  return summary.count === 1
    ? formatNumber(summary.median)
    : `${formatNumber(summary.median)} (${formatNumber(summary.min)}–${formatNumber(summary.max)})`;
}

function formatSigned(value: number): string {
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}
