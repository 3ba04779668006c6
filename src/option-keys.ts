/**
 * Unknown keys in the package's own options objects (`createWx`, `createReliableSocket`, `createTestServer`, the
 * faults, the test kit's waits...): a misspelt option would otherwise be ignored without a word, and the default
 * it leaves in place shows up later as a puzzling behaviour. Each such object is checked against the keys it knows,
 * and the error names the first unknown key and the known one it is a slip of. WeChat's own API (`connectSocket`'s
 * options and the like) keeps ignoring unknown keys, as WeChat does (contract §1). Also the rules and the one text
 * for a bad value of the core's options (`createWx`, the phone's control): `<option> must be <what is allowed>, not
 * <what was given>`.
 */
import { isPlainObject, typeName } from './values.js';

/** Throws the error of the options being read (`WxOptionsError`, `WxPhoneError`) for `option`, with `message`. */
export type Refuse = (option: string, message: string) => never;

/** `scene must be a whole number ≥ 0, not -1`: which option, what it may be, what it was. */
export function mustBe(option: string, allowed: string, value: unknown): string {
  const given = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? value : typeName(value);
  return `${option} must be ${allowed}, not ${given}`;
}

/** What an option may be: the test, and the text that says it (`'a boolean'`). */
export type Rule = readonly [valid: (value: unknown) => boolean, allowed: string];

/**
 * The longest delay `setTimeout` honours, 2³¹ − 1 ms (about 24.8 days): Node sets a longer one to 1 ms (with a
 * `TimeoutOverflowWarning`), and browsers overflow it the same way. Delays are refused above it, or capped to it.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** A number of milliseconds that `setTimeout` honours: 0 to 2³¹ − 1. */
export const isMilliseconds = (value: unknown): boolean =>
  typeof value === 'number' && value >= 0 && value <= MAX_TIMER_DELAY;

/** A delay or a latency: {@link isMilliseconds}, and the text that says it. */
export const MILLISECONDS: Rule = [isMilliseconds, `a number of milliseconds from 0 to ${MAX_TIMER_DELAY}`];

/** A number above 0, and not `Infinity`. */
export const isPositive = (value: unknown): boolean => typeof value === 'number' && value > 0 && Number.isFinite(value);

/** A bandwidth of the phone's link: {@link isPositive}, and the text that says it. */
export const BYTES_PER_SECOND: Rule = [isPositive, 'a number of bytes per second > 0'];

/** Refuses `value` for `option` unless it is `undefined` or passes `rule`; returns it. */
export function checkValue<T>(option: string, value: T, [valid, allowed]: Rule, refuse: Refuse): T {
  if (value !== undefined && !valid(value)) refuse(option, mustBe(option, allowed, value));
  return value;
}

/**
 * Checks that `value` is a plain object with only `known` keys, refusing it otherwise; returns it. `path` names the
 * object (`'networkTimeout'`), `''` for the options themselves.
 */
export function checkObject(value: unknown, path: string, known: readonly string[], refuse: Refuse): object {
  if (!isPlainObject(value)) refuse(path, mustBe(path || 'options', 'an object', value));
  const key = firstUnknownKey(value, known);
  const prefix = path && `${path}.`;
  if (key !== undefined) refuse(prefix + (key || '""'), unknownOption(key, known, prefix));
  return value;
}

/** The first key of `options` that is not in `known`, or `undefined` when every key is known. */
export function firstUnknownKey(options: object, known: readonly string[]): string | undefined {
  return Object.keys(options).find((key) => !known.includes(key));
}

/**
 * What is wrong with an unknown key: `unknown option "platfrom" (did you mean "platform"?)`, or the known keys when
 * it is no slip of any. `path` prefixes the names of a nested object's keys (`'reconnect.'`).
 */
export function unknownOption(key: string, known: readonly string[], path = ''): string {
  const near = closest(key, known);
  const hint = near === undefined ? `known: ${known.join(', ')}` : `did you mean "${path}${near}"?`;
  return `unknown option "${path}${key}" (${hint})`;
}

/**
 * The known name that `name` is a slip of: the same letters in another case, or one slip away from it (a letter
 * missing, one too many, one wrong, or two neighbours swapped), letters compared without case.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  const a = name.toLowerCase();
  return known.find((candidate) => {
    const b = candidate.toLowerCase();
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    const restEqual = (x: number, y: number): boolean => a.slice(x) === b.slice(y);
    return (
      restEqual(i, i) ||
      restEqual(i + 1, i + 1) ||
      restEqual(i + 1, i) ||
      restEqual(i, i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && restEqual(i + 2, i + 2))
    );
  });
}
