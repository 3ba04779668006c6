/**
 * The results as Markdown: one table of medians, ranges and per-round comparisons with `ws`, the targets and
 * whether they are met, and the memory detail of the idle-connection workloads. `updateDocSection` puts it between
 * the markers of `docs/benchmarks.md`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ClientName } from './clients.js';
import { perRound, present, values, type RunResults, type WorkloadResults } from './results.js';
import type { Measurement } from './workloads.js';
import { formatNumber, spread, summarize, type Summary } from './stats.js';
import { WORKLOADS, type Target, type WorkloadName } from './workloads.js';

const WX_CLIENTS = ['wx', 'wx-nodelay'] as const satisfies readonly ClientName[];
/** The clients compared with `ws`: the paired method's control too, when it ran. */
type Compared = (typeof WX_CLIENTS)[number] | 'ws-control';

/** The markers around a run's section of the docs: one section per method. */
function markers(results: RunResults): [start: string, end: string] {
  const name = results.paired ? 'paired-results' : 'results';
  return [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
}

/** How one wx client compares with `ws` on one workload. */
export interface Comparison {
  /** Per-round wx/ws ratios (throughput), or wx − ws differences (bytes). */
  readonly perRound: Summary;
  /** For linear targets: the spread of the per-connection figures over the checkpoints. */
  readonly spread?: number;
  readonly met: boolean;
}

/**
 * Compares a client with `ws` on a workload, against the workload's target. For throughput workloads, `metric`
 * chooses the rate (wx/ws) or the client's CPU time per event (ws/wx, so that 1 is again "as good as ws" and a
 * lower figure is worse). With the paired method (`slicesPerProcess` given), the median is over every pair of
 * slices and the range is that of each process's own median.
 */
export function compare(
  name: WorkloadName,
  results: WorkloadResults,
  client: Compared,
  metric: 'rate' | 'cpu' = 'rate',
  slicesPerProcess?: number,
): Comparison {
  const target: Target = WORKLOADS[name].target;
  const mine = values(results[client] ?? []);
  const theirs = values(results.ws);
  switch (target.kind) {
    case 'ratio': {
      const paired =
        slicesPerProcess === undefined ? undefined : pairedRatios(results, client, slicesPerProcess, metric);
      const ratios = paired
        ? { ...summarize(paired.groups), median: paired.pooled }
        : summarize(ratiosToWs(results, client, metric));
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

/**
 * A client's ratios to `ws`, per round (or slice), from `start` to `end`: the rate over `ws`'s, or `ws`'s CPU time
 * per event over the client's, so that 1 is "as good as ws" and lower is worse either way.
 */
function ratiosToWs(
  results: WorkloadResults,
  client: Compared,
  metric: 'rate' | 'cpu',
  start = 0,
  end?: number,
): number[] {
  const figures = (runs: ReadonlyArray<Measurement | null>) =>
    (metric === 'rate' ? values(runs) : cpuOf(runs)).slice(start, end);
  return perRound(
    figures(results[client] ?? []),
    figures(results.ws),
    metric === 'rate' ? (a, b) => a / b : (a, b) => b / a,
  );
}

/** A paired run's ratios to `ws`: the median over all its slices, and each process's own median. */
export function pairedRatios(
  results: WorkloadResults,
  client: Compared,
  slicesPerProcess: number,
  metric: 'rate' | 'cpu' = 'rate',
): { pooled: number; groups: number[] } {
  const groups: number[] = [];
  for (let start = 0; start < results.ws.length; start += slicesPerProcess) {
    const group = ratiosToWs(results, client, metric, start, start + slicesPerProcess);
    if (group.length > 0) groups.push(summarize(group).median);
  }
  return { pooled: summarize(ratiosToWs(results, client, metric)).median, groups };
}

/** The client's CPU time per event, per round. */
function cpuOf(runs: ReadonlyArray<Measurement | null>): Array<number | null> {
  return values(runs, (run) => run.extra['cpuMicrosPerEvent']);
}

/** The heap per connection at each checkpoint of an idle-connection workload, medians over the rounds. */
export function checkpointMedians(
  results: WorkloadResults,
  client: ClientName,
  figure: 'heap' | 'rss' = 'heap',
): Array<[number, number]> {
  const runs = results[client] ?? [];
  const first = runs.find((run) => run !== null);
  if (!first) return [];
  const checkpoints = Object.keys(first.extra)
    .filter((key) => key.startsWith(`${figure}@`))
    .map((key) => Number(key.slice(figure.length + 1)));
  return checkpoints.map((checkpoint) => [
    checkpoint,
    summarize(present(values(runs, (run) => run.extra[`${figure}@${checkpoint}`]))).median,
  ]);
}

/** The run's warm-up per client, and that of the workloads that warmed up for longer. */
function warmupText(results: RunResults, modeWarmupMs: number): string {
  const own = Object.entries(results.longerWarmups ?? {}).map(([name, ms]) => `${ms / 1000} s for ${name}`);
  return `${modeWarmupMs / 1000} s of warm-up${own.length > 0 ? ` (${own.join(', ')})` : ''}`;
}

/** The Markdown section for a run, markers included. */
export function resultsSection(results: RunResults): string {
  const { machine, limits, paired } = results;
  const [start, end] = markers(results);
  const busy = machine.load.some((load) => load > machine.cores);
  const rounds = [...new Set(Object.values(results.workloads).map((workload) => workload.ws.length))].sort(
    (a, b) => b - a,
  );
  const warmup = warmupText(results, paired?.warmupMs ?? limits!.warmupMs);
  const method = paired
    ? `paired method: ${plural(paired.processes, 'process', 'processes')} per workload, each running every client in turns, ${paired.slices} slices of ` +
      `${paired.sliceMs / 1000} s per client after ${warmup}`
    : `${results.mode} mode: ${rounds.join(' or ')} ${rounds.length === 1 && rounds[0] === 1 ? 'round' : 'rounds'} per workload, ${limits!.durationMs / 1000} s measured after ${warmup}`;
  const lines = [
    start,
    `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC: \`${results.command}\` (${method}), ${results.durationSeconds} s in all. ` +
      `wxsocket ${results.commit} (\`${results.library}\`), Node ${machine.node}, ws ${machine.ws}, ${machine.cores} × ${machine.cpu}. ` +
      `Load average (1 min) ${machine.load[0].toFixed(1)} at the start, ${machine.load[1].toFixed(1)} at the end` +
      (busy
        ? ': **the machine was busy with other work**, so absolute figures are low and noisy; the ratios are what to read.'
        : '.'),
    '',
    ...(paired
      ? [
          'Each cell: the median over every pair of slices (each wx slice against the `ws` slice of the same turn), and in',
          'brackets the range of the medians of each process. "ws control" is a second `ws` client measured exactly as wx',
          "is: its distance from 1 is the method's own bias and noise in this run.",
        ]
      : [
          'Each cell: median (min–max) over the rounds. Ratios and differences are per round (each wx run against the ws run',
          'next to it), then summarised.',
        ]),
    '"wx" is wxsocket with WeChat\'s default `tcpNoDelay: false`; "wx nodelay" passes `tcpNoDelay: true`, the socket',
    'option raw `ws` always uses.',
    '',
    ...comparisonTable(results, 'rate'),
  ];
  if (Object.keys(results.workloads).some((name) => WORKLOADS[name as WorkloadName].target.kind === 'ratio')) {
    lines.push(
      '',
      'CPU time of the client process per event (µs, user + system, over the measured window), and ws/wx: less',
      'sensitive than the rates to what else the machine runs, since it counts only what the client itself spent.',
      '',
      ...comparisonTable(results, 'cpu'),
    );
  }
  lines.push(...memoryDetail(results), ...failureLines(results), end);
  return lines.join('\n');
}

/** Replaces a run's section of a Markdown file (between its markers) with `section`. */
export function updateDocSection(path: string, section: string, results: RunResults): void {
  const [start, end] = markers(results);
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} has no ${start} … ${end} section`);
  writeFileSync(path, text.slice(0, from) + section + text.slice(to + end.length));
}

/**
 * The table of a run: per workload, each client's figure and its comparison with `ws`, and the target. `rate`: the
 * headline figures of every workload; `cpu`: the CPU time per event of the throughput workloads.
 */
function comparisonTable(results: RunResults, metric: 'rate' | 'cpu'): string[] {
  const control = results.paired !== undefined;
  const slices = results.paired?.slices;
  const figure = metric === 'rate' ? (runs: ReadonlyArray<Measurement | null>) => values(runs) : cpuOf;
  const header = [
    'workload',
    ...(metric === 'rate' ? ['unit'] : []),
    'ws',
    ...(control ? [metric === 'rate' ? 'ws control vs ws' : 'ws / ws control'] : []),
    ...WX_CLIENTS.flatMap((client) => {
      const label = client.replace('-', ' ');
      return [label, metric === 'rate' ? `${label} vs ws` : `ws / ${label}`];
    }),
    'target',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1, -1)
      .map((cell) => (cell === 'unit' ? '---' : '---:'))
      .join(' | ')} | --- |`,
  ];
  for (const [name, workload] of Object.entries(results.workloads) as Array<[WorkloadName, WorkloadResults]>) {
    const { title, unit, target } = WORKLOADS[name];
    if (metric === 'cpu' && target.kind !== 'ratio') continue;
    const cells = [title, ...(metric === 'rate' ? [unit] : []), range(summarize(present(figure(workload.ws))))];
    if (control) cells.push(comparisonCell(target, compare(name, workload, 'ws-control', metric, slices)));
    const verdicts: string[] = [];
    for (const client of WX_CLIENTS) {
      const comparison = compare(name, workload, client, metric, slices);
      cells.push(range(summarize(present(figure(workload[client])))), comparisonCell(target, comparison));
      verdicts.push(comparison.met ? 'met' : '**not met**');
    }
    cells.push(
      `${targetText(target)}: ${verdicts[0] === verdicts[1] ? verdicts[0] : `${verdicts[0]} / ${verdicts[1]}`}`,
    );
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

/** `1 process`, `5 processes`. */
function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
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
  const bytes =
    summary.count === 1
      ? `${signed(summary.median)} B`
      : `${signed(summary.median)} B (${signed(summary.min)}…${signed(summary.max)})`;
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
