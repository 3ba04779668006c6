/** Summaries of repeated measurements: medians and ranges, robust to the odd slow round of a busy machine. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** Median, min and max of some numbers (NaN for none). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count };
  const middle = count >> 1;
  const median = count % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[count - 1]!, count };
}

/** Largest over smallest, minus one: 0.1 means the values lie within 10% of each other. */
export function spread(values: readonly number[]): number {
  const { min, max } = summarize(values);
  return max / min - 1;
}

/** A number for a table: three significant digits, thousands grouped. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const rounded = magnitude >= 1000 ? Number(value.toPrecision(3)) : value;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** CPU time (user + system) in nanoseconds since `since`, a `process.cpuUsage()`. */
export function cpuNanoseconds(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) * 1000;
}
