/**
 * Durations in a load-test script, read as Artillery reads them: a number is seconds (as in `think: 5` and the `ws`
 * engine's `timeout: 10`), a string may carry a unit (`'500ms'`, `'2s'`, `'1.5m'`).
 */
import { MAX_TIMER_DELAY } from '../option-keys.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/**
 * The duration in milliseconds, or `undefined` when `value` is not a duration or is longer than a timer can wait
 * (`MAX_TIMER_DELAY`: a longer one would end at once).
 */
export function parseDuration(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  else if (typeof value === 'string') {
    const found = DURATION.exec(value.trim());
    if (found) ms = Number(found[1]) * UNITS[found[2] ?? 's']!;
  }
  return ms !== undefined && ms <= MAX_TIMER_DELAY ? ms : undefined;
}
