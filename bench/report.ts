/**
 * The results as Markdown: one table of medians, ranges and per-round comparisons with `ws`, the targets and
 * whether they are met, and the memory detail of the idle-connection workloads. `updateDocSection` puts it between
 * the markers of `docs/benchmarks.md`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ClientName } from './clients.js';
import { perRound, present, values, type RunResults, type WorkloadResults } from './results.js';
import { formatNumber, spread, summarize, type Summary } from './stats.js';
import { WORKLOADS, type Target, type WorkloadName } from './workloads.js';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';
const WX_CLIENTS = ['wx', 'wx-nodelay'] as const satisfies readonly ClientName[];

/** How one wx client compares with `ws` on one workload. */
export interface Comparison {
  /** Per-round wx/ws ratios (throughput), or wx − ws differences (bytes). */
  readonly perRound: Summary;
  /** For linear targets: the spread of the per-connection figures over the checkpoints. */
  readonly spread?: number;
  readonly met: boolean;
}

/**
 * Compares a wx client with `ws` on a workload, against the workload's target. For throughput workloads, `metric`
 * chooses the rate (wx/ws) or the client's CPU time per event (ws/wx, so that 1 is again "as good as ws" and a
 * lower figure is worse).
 */
export function compare(name: WorkloadName, results: WorkloadResults, client: (typeof WX_CLIENTS)[number], metric: 'rate' | 'cpu' = 'rate'): Comparison {
  const target: Target = WORKLOADS[name].target;
  const mine = values(results[client]);
  const theirs = values(results.ws);
  switch (target.kind) {
    case 'ratio': {
      const ratios = summarize(
        metric === 'rate' ? perRound(mine, theirs, (a, b) => a / b) : perRound(cpuOf(results[client]), cpuOf(results.ws), (a, b) => b / a),
      );
      return { perRound: ratios, met: ratios.median >= target.min };
    }
    case 'bytes-above': {
      const above = summarize(perRound(mine, theirs, (a, b) => a - b));
      return { perRound: above, met: above.median <= target.max };
    }
    case 'linear': {
      const above = summarize(perRound(mine, theirs, (a, b) => a - b));
      const growth = spread(checkpointMedians(results, client).map(([, heap]) => heap));
      return { perRound: above, spread: growth, met: growth <= target.spread };
    }
  }
}

/** The client's CPU time per event, per round. */
function cpuOf(runs: WorkloadResults[ClientName]): Array<number | null> {
  return values(runs, (run) => run.extra['cpuMicrosPerEvent']);
}

/** The heap per connection at each checkpoint of an idle-connection workload, medians over the rounds. */
export function checkpointMedians(results: WorkloadResults, client: ClientName, figure: 'heap' | 'rss' = 'heap'): Array<[number, number]> {
  const first = results[client].find((run) => run !== null);
  if (!first) return [];
  const checkpoints = Object.keys(first.extra)
    .filter((key) => key.startsWith(`${figure}@`))
    .map((key) => Number(key.slice(figure.length + 1)));
  return checkpoints.map((checkpoint) => [
    checkpoint,
    summarize(present(values(results[client], (run) => run.extra[`${figure}@${checkpoint}`]))).median,
  ]);
}

/** The Markdown section for a run, markers included. */
export function resultsSection(results: RunResults): string {
  const { machine, limits } = results;
  const busy = machine.load.some((load) => load > machine.cores);
  const rounds = [...new Set(Object.values(results.workloads).map((workload) => workload.ws.length))].sort((a, b) => b - a);
  const lines = [
    START,
    `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC: \`${results.command}\` (${results.mode} mode: ${rounds.join(' or ')} rounds per workload, ` +
      `${limits.durationMs / 1000} s measured after ${limits.warmupMs / 1000} s of warm-up), ${results.durationSeconds} s in all. ` +
      `wxsocket ${results.commit} (\`${results.library}\`), Node ${machine.node}, ws ${machine.ws}, ${machine.cores} × ${machine.cpu}. ` +
      `Load average (1 min) ${machine.load[0].toFixed(1)} at the start, ${machine.load[1].toFixed(1)} at the end` +
      (busy ? ': **the machine was busy with other work**, so absolute figures are low and noisy; the per-round ratios are what to read.' : '.'),
    '',
    'Each cell: median (min–max) over the rounds. Ratios and differences are per round (each wx run against the ws run',
    'next to it), then summarised. "wx" is wxsocket with WeChat\'s default `tcpNoDelay: false`; "wx nodelay" passes',
    '`tcpNoDelay: true`, the socket option raw `ws` always uses.',
    '',
    '| workload | unit | ws | wx | wx vs ws | wx nodelay | wx nodelay vs ws | target |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [name, workload] of Object.entries(results.workloads) as Array<[WorkloadName, WorkloadResults]>) {
    const { title, unit, target } = WORKLOADS[name];
    const cells = [title, unit, range(summarize(present(values(workload.ws))))];
    const verdicts: string[] = [];
    for (const client of WX_CLIENTS) {
      const comparison = compare(name, workload, client);
      cells.push(range(summarize(present(values(workload[client])))), comparisonCell(target, comparison));
      verdicts.push(comparison.met ? 'met' : '**not met**');
    }
    cells.push(`${targetText(target)}: ${verdicts[0] === verdicts[1] ? verdicts[0] : `${verdicts[0]} / ${verdicts[1]}`}`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(...cpuDetail(results), ...memoryDetail(results), ...failureLines(results), END);
  return lines.join('\n');
}

/** Replaces the results section of a Markdown file (between the markers) with `section`. */
export function updateDocSection(path: string, section: string): void {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${START} … ${END} section`);
  writeFileSync(path, text.slice(0, start) + section + text.slice(end + END.length));
}

function cpuDetail(results: RunResults): string[] {
  const rows = (Object.entries(results.workloads) as Array<[WorkloadName, WorkloadResults]>).filter(([name]) => WORKLOADS[name].target.kind === 'ratio');
  if (rows.length === 0) return [];
  const lines = [
    '',
    'CPU time of the client process per event (µs, user + system, over the measured window), and ws/wx per round: less',
    'sensitive than the rates to what else the machine runs, since it counts only what the client itself spent.',
    '',
    '| workload | ws | wx | ws / wx | wx nodelay | ws / wx nodelay | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [name, workload] of rows) {
    const { title, target } = WORKLOADS[name];
    const cells = [title, range(summarize(present(cpuOf(workload.ws))))];
    const verdicts: string[] = [];
    for (const client of WX_CLIENTS) {
      const comparison = compare(name, workload, client, 'cpu');
      cells.push(range(summarize(present(cpuOf(workload[client])))), comparisonCell(target, comparison));
      verdicts.push(comparison.met ? 'met' : '**not met**');
    }
    cells.push(`${targetText(target)}: ${verdicts[0] === verdicts[1] ? verdicts[0] : `${verdicts[0]} / ${verdicts[1]}`}`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function memoryDetail(results: RunResults): string[] {
  const lines: string[] = [];
  for (const name of ['idle-memory', 'idle-10k'] as const) {
    const workload = results.workloads[name];
    if (!workload) continue;
    const checkpoints = checkpointMedians(workload, 'ws').map(([checkpoint]) => checkpoint);
    lines.push(
      '',
      `${WORKLOADS[name].title}: heap and RSS per connection at each count (medians), above the process before any was opened.`,
      '',
      `| client | ${checkpoints.map((checkpoint) => `heap @ ${formatNumber(checkpoint)}`).join(' | ')} | ${checkpoints.map((checkpoint) => `RSS @ ${formatNumber(checkpoint)}`).join(' | ')} | heap spread |`,
      `| --- | ${checkpoints.map(() => '---:').join(' | ')} | ${checkpoints.map(() => '---:').join(' | ')} | ---: |`,
    );
    for (const client of ['ws', ...WX_CLIENTS] as const) {
      const heap = checkpointMedians(workload, client, 'heap');
      const rss = checkpointMedians(workload, client, 'rss');
      const growth = spread(heap.map(([, value]) => value));
      lines.push(
        `| ${client} | ${heap.map(([, value]) => formatNumber(value)).join(' | ')} | ${rss.map(([, value]) => formatNumber(value)).join(' | ')} | ${(growth * 100).toFixed(1)}% |`,
      );
    }
  }
  return lines;
}

function failureLines(results: RunResults): string[] {
  if (results.failures.length === 0) return [];
  return ['', 'Runs that failed (left out of the figures):', '', ...results.failures.map((failure) => `- ${failure}`)];
}

function range(summary: Summary): string {
  if (summary.count === 0) return '–';
  if (summary.count === 1) return formatNumber(summary.median);
  return `${formatNumber(summary.median)} (${formatNumber(summary.min)}–${formatNumber(summary.max)})`;
}

function comparisonCell(target: Target, comparison: Comparison): string {
  const { perRound: summary } = comparison;
  if (summary.count === 0) return '–';
  if (target.kind === 'ratio') {
    const text = summary.median.toFixed(3);
    return summary.count === 1 ? text : `${text} (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`;
  }
  const signed = (value: number): string => `${value >= 0 ? '+' : ''}${formatNumber(value)}`;
  const bytes = summary.count === 1 ? `${signed(summary.median)} B` : `${signed(summary.median)} B (${signed(summary.min)}…${signed(summary.max)})`;
  return comparison.spread === undefined ? bytes : `${bytes}; spread ${(comparison.spread * 100).toFixed(1)}%`;
}

function targetText(target: Target): string {
  switch (target.kind) {
    case 'ratio':
      return `≥ ${target.min.toFixed(2)}`;
    case 'bytes-above':
      return `≤ +${target.max} B`;
    case 'linear':
      return `linear (spread ≤ ${target.spread * 100}%)`;
  }
}
