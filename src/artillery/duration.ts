/**
 * Durations in a load-test script, read as Artillery reads them: a number is seconds (as in `think: 5` and the `ws`
 * engine's `timeout: 10`), a string may carry a unit (`'500ms'`, `'2s'`, `'1.5m'`).
 */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/** The duration in milliseconds, or `undefined` when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const found = DURATION.exec(value.trim());
  if (!found) return undefined;
  return Number(found[1]) * UNITS[found[2] ?? 's']!;
}
