/**
 * Runs the Artillery engine as Artillery's runner does, without Artillery: a recording emitter in place of the
 * scenario's, a stand-in for the helpers Artillery passes (only `template`), and one virtual user at a time.
 */
import assert from 'node:assert/strict';
import {
  WxSocketEngine,
  type ArtilleryScript,
  type EngineHelpers,
  type ScenarioContext,
  type ScenarioEvents,
} from '../../src/artillery/index.js';
import { turns } from '../helpers/leaks.js';

/** Records every event a scenario emits, in order. */
export class Recorder implements ScenarioEvents {
  readonly events: Array<[string, ...unknown[]]> = [];

  emit(event: string, ...args: unknown[]): boolean {
    this.events.push([event, ...args]);
    return true;
  }

  count(event: string): number {
    return this.events.filter(([name]) => name === event).length;
  }

  /** The sum of a counter (0 when never emitted). */
  counter(name: string): number {
    return this.events
      .filter(([event, metric]) => event === 'counter' && metric === name)
      .reduce((sum, [, , value]) => sum + (value as number), 0);
  }

  /** Every value of a histogram. */
  histogram(name: string): number[] {
    return this.events
      .filter(([event, metric]) => event === 'histogram' && metric === name)
      .map(([, , value]) => value as number);
  }

  /** The kinds of `error` events, in order. */
  errors(): string[] {
    return this.events.filter(([event]) => event === 'error').map(([, kind]) => kind as string);
  }
}

/**
 * Artillery's templates, as far as the tests use them: `{{ name }}` and `{{ a.b }}` from `context.vars`; a string
 * that is one template alone gives the value itself; objects and arrays are filled in depth (values, not keys).
 */
export const helpers: EngineHelpers = {
  template(value, context) {
    const read = (path: string): unknown =>
      path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], context.vars);
    if (typeof value === 'string') {
      const whole = /^\{\{\s*([\w$.]+)\s*\}\}$/.exec(value);
      if (whole) return read(whole[1]!);
      return value.replace(/\{\{\s*([\w$.]+)\s*\}\}/g, (_, path: string) => String(read(path)));
    }
    if (Array.isArray(value)) return value.map((entry) => helpers.template(entry, context));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, helpers.template(entry, context)]));
    return value;
  },
};

export interface VuResult {
  readonly error: Error | null;
  readonly context: ScenarioContext;
  readonly recorder: Recorder;
}

/** A script with one scenario on the wxsocket engine. */
export function script(
  flow: unknown[],
  engine: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
): ArtilleryScript {
  return { config: { engines: { wxsocket: engine }, ...config }, scenarios: [{ engine: 'wxsocket', flow }] };
}

/**
 * Runs one virtual user of the script's first scenario and checks the exactly-once rules: `started` once, the
 * callback once (still once a few turns later), with the context Artillery passed.
 */
export async function runVu(subject: ArtilleryScript, vars: Record<string, unknown> = {}): Promise<VuResult> {
  const recorder = new Recorder();
  const engine = new WxSocketEngine(subject, undefined, helpers);
  const scenario = engine.createScenario(subject.scenarios![0] as { flow: unknown }, recorder);
  const context: ScenarioContext = { vars: { target: subject.config.target, ...vars } };
  let calls = 0;
  const error = await new Promise<Error | null>((resolve) =>
    scenario(context, (failure, returned) => {
      calls += 1;
      assert.equal(returned, context, 'the callback gets the context Artillery passed');
      resolve(failure);
    }),
  );
  await turns(3);
  assert.equal(calls, 1, 'the callback is called once');
  assert.equal(recorder.count('started'), 1, 'started is emitted once');
  return { error, context, recorder };
}

/** Runs a virtual user that must fail with `kind`: the error is reported once, as that kind. */
export async function runVuFailing(
  subject: ArtilleryScript,
  kind: string,
  vars?: Record<string, unknown>,
): Promise<VuResult> {
  const result = await runVu(subject, vars);
  assert.ok(result.error, `the virtual user fails (expected ${kind})`);
  assert.deepEqual(result.recorder.errors(), [kind], `one error, ${kind}: ${result.error.message}`);
  return result;
}
