/**
 * Reading a step of a scenario's flow: its fields checked when the engine is created (a typo fails the test before
 * it starts, naming the step), values that hold `{{ templates }}` checked again when they are filled in.
 */
import { MAX_TIMER_DELAY } from '../option-keys.js';
import { parseDuration } from './duration.js';
import { EngineConfigError, StepError } from './errors.js';
import { isRecord } from './record.js';
import type { VirtualUser } from './vu.js';

/**
 * A compiled step: runs for one virtual user, rejects with a `StepError` when it fails. The steps users stay in
 * longest (`think`, `idle`) are also written as `wait`, which calls `done` once when over (and throws a `StepError`
 * at once when it cannot start): the engine runs them so (engine.ts), and a waiting user then holds no promise, no
 * reaction and no callbacks for it (300 bytes and more per user).
 */
export type Step = ((vu: VirtualUser) => Promise<void>) & {
  readonly wait?: (vu: VirtualUser, done: () => void) => void;
};

/** A step written as `wait` (see `Step`), with the promise form loops and the like await. */
export function waitingStep(wait: (vu: VirtualUser, done: () => void) => void): Step {
  return Object.assign((vu: VirtualUser) => new Promise<void>((resolve) => wait(vu, resolve)), { wait });
}

/** Whether a value holds an Artillery template (`{{ name }}`), so it can only be checked once filled in. */
export function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * The step's options as a record with only `allowed` keys. `null` (a bare `- close:` in YAML) is no options.
 */
export function optionsOf(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw new EngineConfigError(path, `must be an object with ${allowed.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new EngineConfigError(`${path}.${key}`, `is not an option here (known: ${allowed.join(', ')})`);
  }
  return value;
}

/** A socket name: the default is `main`, the name of a `connect` that gives none. */
export function socketName(value: unknown, path: string): string {
  if (value === undefined) return 'main';
  if (typeof value !== 'string' || !/^[\w.-]{1,64}$/.test(value))
    throw new EngineConfigError(path, 'must be a socket name: letters, digits, ".", "_" or "-"');
  return value;
}

/**
 * A value filled in from the virtual user's variables when the step runs; a value without any template is used as
 * it is, without the deep copy templating makes (it is never changed).
 */
export function fillerOf(value: unknown): (vu: VirtualUser) => unknown {
  if (!(JSON.stringify(value) ?? '').includes('{{')) return () => value;
  return (vu) => vu.template(value);
}

/** A message to send: text as it is, anything else as JSON; made once when it holds no template. */
export function messageOf(value: unknown): (vu: VirtualUser) => string {
  const encode = (filled: unknown): string => (typeof filled === 'string' ? filled : JSON.stringify(filled));
  const fill = fillerOf(value);
  if (!(JSON.stringify(value) ?? '').includes('{{')) {
    const text = encode(value);
    return () => text;
  }
  return (vu) => encode(fill(vu));
}

/** A duration (ms) read when the step runs: checked now unless it is a template. */
export function durationOf(
  value: unknown,
  path: string,
  fallback: (vu: VirtualUser) => number,
): (vu: VirtualUser) => number {
  if (value === undefined) return fallback;
  if (isTemplate(value)) {
    return (vu) => {
      const filled = vu.template(value);
      const ms = parseDuration(filled);
      if (ms === undefined)
        throw new StepError(
          'invalid_step',
          `${path} is ${JSON.stringify(filled)}, not a duration up to ${MAX_TIMER_DELAY} ms`,
        );
      return ms;
    };
  }
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new EngineConfigError(
      path,
      `must be a duration up to ${MAX_TIMER_DELAY} ms: seconds, or a string such as '500ms'`,
    );
  return () => ms;
}

/** A whole number read when the step runs: checked now unless it is a template. */
export function integerOf(
  value: unknown,
  path: string,
  check: (n: number) => boolean,
  what: string,
): (vu: VirtualUser) => number {
  const read = (filled: unknown): number | undefined => {
    const n = typeof filled === 'string' && filled.trim() !== '' ? Number(filled) : filled;
    return typeof n === 'number' && Number.isInteger(n) && check(n) ? n : undefined;
  };
  if (isTemplate(value)) {
    return (vu) => {
      const filled = vu.template(value);
      const n = read(filled);
      if (n === undefined) throw new StepError('invalid_step', `${path} is ${JSON.stringify(filled)}, not ${what}`);
      return n;
    };
  }
  const n = read(value);
  if (n === undefined) throw new EngineConfigError(path, `must be ${what}`);
  return () => n;
}

/** A string option (a template is fine): `undefined` when absent. */
export function stringOf(value: unknown, path: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new EngineConfigError(path, 'must be a string');
  return value;
}
