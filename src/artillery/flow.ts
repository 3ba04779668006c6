/**
 * A scenario's flow, compiled once: each step is checked and turned into a function of the virtual user. Besides
 * the socket steps, Artillery's own `think`, `loop`, `function` and `log` work as they do in its built-in engines.
 */
import { EngineConfigError, StepError } from './errors.js';
import { backgroundStep, networkStep } from './phone-steps.js';
import { isRecord } from './record.js';
import {
  closeStep,
  connectStep,
  expectStep,
  idleStep,
  reconnectStep,
  sendStep,
  type ScriptDefaults,
} from './socket-steps.js';
import { durationOf, integerOf, waitingStep, type Step } from './spec.js';
import { setTimer } from './timers.js';
import type { VirtualUser } from './vu.js';

/** What the flow reads from the script: `config.target`, and `config.processor` (read when a step runs). */
export interface FlowDefaults extends ScriptDefaults {
  readonly processor: () => Record<string, unknown> | undefined;
}

type StepCompiler = (value: unknown, path: string, spec: Record<string, unknown>, defaults: FlowDefaults) => Step;

const STEPS: Readonly<Record<string, StepCompiler>> = {
  connect: (value, path, _, defaults) => connectStep(value, path, defaults),
  send: (value, path) => sendStep(value, path),
  expect: (value, path) => expectStep(value, path),
  idle: (value, path) => idleStep(value, path),
  close: (value, path) => closeStep(value, path),
  reconnect: (value, path) => reconnectStep(value, path),
  think: (value, path) => thinkStep(value, path),
  loop: (value, path, spec, defaults) => loopStep(value, path, spec, defaults),
  function: (value, path, _, defaults) => functionStep(value, path, defaults),
  log: (value) => async (vu) => console.log(vu.template(value)),
  background: (value, path) => backgroundStep(value, path),
  network: (value, path) => networkStep(value, path),
};

/** Options that stand beside a step's name in the same mapping. */
const MODIFIERS: Readonly<Record<string, readonly string[]>> = { loop: ['count', 'over', 'whileTrue'] };

/** Compiles a flow; throws an `EngineConfigError` naming the first bad step (`path` is e.g. `scenarios[0].flow`). */
export function compileFlow(flow: unknown, path: string, defaults: FlowDefaults): Step[] {
  if (!Array.isArray(flow)) throw new EngineConfigError(path, 'must be a list of steps');
  return flow.map((spec: unknown, index) => compileStep(spec, `${path}[${index}]`, defaults));
}

/** Whether a flow (loops included) has one of these steps. */
export function flowUses(flow: unknown, steps: readonly string[]): boolean {
  if (!Array.isArray(flow)) return false;
  return flow.some(
    (spec: unknown) =>
      isRecord(spec) && (steps.some((step) => Object.hasOwn(spec, step)) || flowUses(spec['loop'], steps)),
  );
}

function compileStep(spec: unknown, path: string, defaults: FlowDefaults): Step {
  const known = Object.keys(STEPS).join(', ');
  if (!isRecord(spec)) throw new EngineConfigError(path, `must be a step such as {send: hello} (steps: ${known})`);
  const names = Object.keys(spec).filter((key) => Object.hasOwn(STEPS, key));
  if (names.length !== 1)
    throw new EngineConfigError(
      path,
      names.length === 0 ? `is not a step (steps: ${known})` : `has several steps: ${names.join(', ')}`,
    );
  const name = names[0]!;
  const allowed = MODIFIERS[name] ?? [];
  for (const key of Object.keys(spec)) {
    if (key !== name && !allowed.includes(key))
      throw new EngineConfigError(`${path}.${key}`, `is not an option of ${name}`);
  }
  return STEPS[name]!(spec[name], `${path}.${name}`, spec, defaults);
}

/** `think: 2` (seconds) or `think: '500ms'`: a pause. */
function thinkStep(value: unknown, path: string): Step {
  const duration = durationOf(value, path, () => 0);
  return waitingStep((vu, done) => void setTimer(done, duration(vu)));
}

/**
 * `loop: [steps]` with `count` (a number or a template), `over` (a list, or the name of a variable holding one) or
 * `whileTrue` (a processor function called after each round with `(context, next)`; `next(false)` stops). At least
 * one of them, so that no loop runs for ever. `$loopCount` (from 0) and `$loopElement` are set for each round.
 */
function loopStep(value: unknown, path: string, spec: Record<string, unknown>, defaults: FlowDefaults): Step {
  const steps = compileFlow(value, path, defaults);
  const at = path.slice(0, -'.loop'.length);
  const { over, whileTrue } = spec;
  if (spec['count'] === undefined && over === undefined && whileTrue === undefined)
    throw new EngineConfigError(at, 'loop needs count, over or whileTrue, so that it ends');
  const count =
    spec['count'] === undefined
      ? undefined
      : integerOf(spec['count'], `${at}.count`, (n) => n >= 0, 'a whole number ≥ 0');
  if (over !== undefined && !Array.isArray(over) && typeof over !== 'string')
    throw new EngineConfigError(`${at}.over`, 'must be a list, or the name of a variable holding one');
  if (whileTrue !== undefined && typeof whileTrue !== 'string')
    throw new EngineConfigError(`${at}.whileTrue`, 'must name a function of config.processor');
  return async (vu) => {
    const { vars } = vu.context;
    const rounds = count?.(vu) ?? Infinity;
    const found: unknown = typeof over === 'string' ? vars[over] : over;
    if (over !== undefined && !Array.isArray(found))
      throw new StepError('invalid_step', `${at}.over: variable "${String(over)}" is not a list`);
    const list = found as unknown[] | undefined;
    const length = Math.min(rounds, list?.length ?? Infinity);
    for (let round = 0; round < length; round += 1) {
      vars['$loopCount'] = round;
      vars['$loopElement'] = list === undefined ? round : list[round];
      for (const step of steps) await step(vu);
      if (whileTrue !== undefined && !(await callCondition(vu, defaults, whileTrue))) break;
    }
  };
}

function callCondition(vu: VirtualUser, defaults: FlowDefaults, name: string): Promise<boolean> {
  const condition = processorFunction(defaults, name);
  return new Promise((resolve, reject) => {
    try {
      condition(vu.context, (goOn: unknown) => resolve(goOn === true));
    } catch (error) {
      reject(new StepError('function_error', `${name} threw: ${messageOf(error)}`));
    }
  });
}

/**
 * `function: name`: calls `config.processor[name](context, events, next)` with the virtual user's `wx` as
 * `context.wx`. An async function (one that returns a promise) ends when the promise settles; others when they
 * call `next` (or at once, when they take fewer than three parameters).
 */
function functionStep(value: unknown, path: string, defaults: FlowDefaults): Step {
  if (typeof value !== 'string' || value === '')
    throw new EngineConfigError(path, 'must name a function of config.processor');
  const processor = defaults.processor();
  if (processor !== undefined && typeof processor[value] !== 'function')
    throw new EngineConfigError(path, `names "${value}", which config.processor does not have`);
  return (vu) =>
    new Promise((resolve, reject) => {
      let settled = false;
      const next = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        if (error === undefined || error === null) resolve();
        else reject(new StepError('function_error', `${value}: ${messageOf(error)}`));
      };
      let hook: ProcessorFunction;
      try {
        hook = processorFunction(defaults, value);
      } catch (error) {
        return reject(error);
      }
      try {
        const result: unknown = hook(vu.context, vu.events, next);
        if (isThenable(result))
          result.then(
            () => next(),
            (error: unknown) => next(error ?? new Error('rejected')),
          );
        else if (hook.length < 3) next();
      } catch (error) {
        next(error ?? new Error('threw'));
      }
    });
}

type ProcessorFunction = (...args: unknown[]) => unknown;

function processorFunction(defaults: FlowDefaults, name: string): ProcessorFunction {
  const hook = defaults.processor()?.[name];
  if (typeof hook !== 'function') throw new StepError('function_error', `config.processor has no function "${name}"`);
  return hook as ProcessorFunction;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
