/**
 * The chart of `docs/benchmarks-ratios.svg`: per workload, the per-round ratio wx/ws of the rates (a dot at the
 * median, a line from min to max) for both wx settings, against 1 (as fast as `ws`) and the target; then the same
 * for the client's CPU time per event (ws/wx); last, the heap per idle connection above `ws`, against its 1 KiB
 * target. Plain SVG, no dependencies.
 */
import { compare } from './report.js';
import type { RunResults, WorkloadResults } from './results.js';
import type { Summary } from './stats.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

const WIDTH = 820;
const LABEL_WIDTH = 300;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 30;
/** Height of a workload's row: a margin, and a line per series. */
const rowHeight = (series: number): number => 10 + series * 12;
const SERIES = [
  { client: 'wx', label: 'wx (tcpNoDelay: false, WeChat default)', color: '#1f77b4' },
  { client: 'wx-nodelay', label: 'wx (tcpNoDelay: true, as ws)', color: '#ff7f0e' },
  // Paired runs only: a second ws, the method's own bias and noise.
  { client: 'ws-control', label: 'ws control', color: '#7f7f7f' },
] as const;
type Series = (typeof SERIES)[number];

interface Row {
  readonly title: string;
  /** The target's value on the axis: minimum ratio, or maximum bytes above `ws`. */
  readonly target: number;
  readonly series: ReadonlyArray<Summary>;
}

/** The SVG document for a run. */
export function ratiosChart(results: RunResults): string {
  const shown = SERIES.filter(({ client }) => client !== 'ws-control' || results.paired);
  const slices = results.paired?.slices;
  const ratioRows: Row[] = [];
  const cpuRows: Row[] = [];
  const memoryRows: Row[] = [];
  for (const [name, workload] of Object.entries(results.workloads) as Array<[WorkloadName, WorkloadResults]>) {
    const { title, target } = WORKLOADS[name];
    const series = shown.map(({ client }) => compare(name, workload, client, 'rate', slices).perRound);
    if (target.kind === 'ratio') {
      ratioRows.push({ title, target: target.min, series });
      cpuRows.push({
        title,
        target: target.min,
        series: shown.map(({ client }) => compare(name, workload, client, 'cpu', slices).perRound),
      });
    } else {
      memoryRows.push({ title, target: target.kind === 'bytes-above' ? target.max : 1024, series });
    }
  }
  const parts: string[] = [];
  let y = 20;
  const method = results.paired ? ', paired method' : '';
  // Paired runs: the dot is the median over all slice pairs, the line spans the processes' own medians.
  const per = results.paired ? 'per slice pair' : 'per round';
  parts.push(
    text(
      10,
      y,
      `wxsocket against raw ws: ${results.mode} run of ${results.date.slice(0, 10)}${method}`,
      'start',
      'bold 15px',
    ),
  );
  y += 22;
  parts.push(legend(y, shown));
  y += 30;
  if (ratioRows.length > 0) {
    y = panel(
      parts,
      y,
      `Throughput, wx / ws ${per} (higher is better; 1 = as fast as ws)`,
      ratioRows,
      ratioAxis(ratioRows),
      shown,
      (v) => v.toFixed(2),
    );
    y = panel(
      parts,
      y + 10,
      `Client CPU time per event, ws / wx ${per} (higher is better; 1 = as cheap as ws)`,
      cpuRows,
      ratioAxis(cpuRows),
      shown,
      (v) => v.toFixed(2),
    );
  }
  if (memoryRows.length > 0) {
    y = panel(
      parts,
      y + 10,
      'Heap per idle connection above ws, bytes (lower is better)',
      memoryRows,
      bytesAxis(memoryRows),
      shown,
      (v) => `${Math.round(v)}`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

interface Axis {
  readonly min: number;
  readonly max: number;
  /** Where ws stands: ratio 1, or 0 bytes above. */
  readonly reference: number;
  readonly ticks: readonly number[];
}

function ratioAxis(rows: readonly Row[]): Axis {
  const all = rows
    .flatMap((row) => row.series.flatMap((s) => [s.min, s.max]).concat(row.target))
    .filter(Number.isFinite);
  const min = Math.floor(Math.min(0.9, ...all) * 20) / 20;
  const max = Math.ceil(Math.max(1.1, ...all) * 20) / 20;
  return { min, max, reference: 1, ticks: steps(min, max, 0.05) };
}

function bytesAxis(rows: readonly Row[]): Axis {
  const all = rows
    .flatMap((row) => row.series.flatMap((s) => [s.min, s.max]).concat(row.target))
    .filter(Number.isFinite);
  const min = Math.min(0, Math.floor(Math.min(...all) / 500) * 500);
  const max = Math.ceil((Math.max(...all) * 1.1) / 500) * 500;
  return { min, max, reference: 0, ticks: steps(min, max, 500) };
}

function steps(min: number, max: number, step: number): number[] {
  const count = Math.round((max - min) / step);
  const every = Math.ceil(count / 10); // at most about ten labels
  return Array.from({ length: Math.floor(count / every) + 1 }, (_, i) => min + i * every * step);
}

function panel(
  parts: string[],
  top: number,
  title: string,
  rows: readonly Row[],
  axis: Axis,
  series: readonly Series[],
  label: (value: number) => string,
): number {
  const x = (value: number): number =>
    PLOT_LEFT + ((value - axis.min) / (axis.max - axis.min)) * (PLOT_RIGHT - PLOT_LEFT);
  parts.push(text(10, top, title, 'start', 'bold 13px'));
  const plotTop = top + 12;
  const height = rowHeight(series.length);
  const plotBottom = plotTop + rows.length * height;
  for (const tick of axis.ticks) {
    parts.push(line(x(tick), plotTop, x(tick), plotBottom, '#e5e5e5'));
    parts.push(text(x(tick), plotBottom + 14, label(tick), 'middle'));
  }
  parts.push(line(x(axis.reference), plotTop, x(axis.reference), plotBottom, '#333', 1.5));
  rows.forEach((row, index) => {
    const rowTop = plotTop + index * height;
    parts.push(text(LABEL_WIDTH, rowTop + height / 2 + 4, row.title, 'end'));
    // The target: a red dashed tick across the row.
    parts.push(line(x(row.target), rowTop + 3, x(row.target), rowTop + height - 3, '#d62728', 1.5, '4 3'));
    row.series.forEach((summary, s) => {
      if (summary.count === 0) return;
      const cy = rowTop + 11 + s * 12;
      const { color } = series[s]!;
      parts.push(line(x(summary.min), cy, x(summary.max), cy, color, 2));
      parts.push(`<circle cx="${x(summary.median).toFixed(1)}" cy="${cy}" r="4" fill="${color}"/>`);
      parts.push(text(x(summary.max) + 6, cy + 4, label(summary.median), 'start', '10px', color));
    });
  });
  return plotBottom + 30;
}

function legend(y: number, series: readonly Series[]): string {
  const items: string[] = [];
  let x = 10;
  for (const { label, color } of series) {
    items.push(`<circle cx="${x + 5}" cy="${y - 4}" r="4" fill="${color}"/>${text(x + 14, y, label)}`);
    x += 14 + label.length * 6.5 + 30; // about 6.5 px per character at 12 px
  }
  items.push(line(x, y - 10, x, y + 2, '#d62728', 1.5, '4 3') + text(x + 8, y, 'target'));
  return items.join('');
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1, dash?: string): string {
  const dashing = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<line x1="${x1.toFixed(1)}" y1="${y1}" x2="${x2.toFixed(1)}" y2="${y2}" stroke="${stroke}" stroke-width="${width}"${dashing}/>`;
}

function text(
  x: number,
  y: number,
  content: string,
  anchor: 'start' | 'middle' | 'end' = 'start',
  font = '',
  fill = '#222',
): string {
  const weight = font.startsWith('bold') ? ' font-weight="bold"' : '';
  const size = /(\d+)px/.exec(font)?.[1];
  const sizing = size ? ` font-size="${size}"` : '';
  return `<text x="${x.toFixed(1)}" y="${y}" text-anchor="${anchor}" fill="${fill}"${weight}${sizing}>${escape(content)}</text>`;
}

function escape(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
