/**
 * The Artillery engine: `config.engines.wxsocket` in a script, `engine: wxsocket` in a scenario. Artillery creates
 * one engine per worker thread and calls `createScenario` once per scenario; the function it returns runs one
 * virtual user. No state outside the engine object: worker threads share nothing.
 *
 * What Artillery expects of an engine (its runner's contract): `new Engine(script, events, helpers)`,
 * `createScenario(spec, events)` → `(context, callback)`; each virtual user emits `started` once, reports metrics
 * and errors on the scenario's emitter, and calls `callback(error, context)` once at its end.
 */
import { resolveEngineConfig, type EngineSettings } from './config.js';
import { StepError } from './errors.js';
import { compileFlow, flowUses, type FlowDefaults } from './flow.js';
import { Metric, Metrics, type ScenarioEvents } from './metrics.js';
import { isRecord } from './record.js';
import { VirtualUser, type EngineHelpers, type Scenario, type ScenarioContext } from './vu.js';

/** The part of an Artillery script the engine reads. */
export interface ArtilleryScript {
  config: {
    target?: string;
    engines?: Record<string, unknown>;
    /** The processor module once Artillery has loaded it (a path before). */
    processor?: unknown;
    [key: string]: unknown;
  };
  scenarios?: unknown[];
  /** Where the script was read from (set by Artillery), for relative CA paths. */
  _scriptPath?: string;
  [key: string]: unknown;
}

/** How a virtual user ends: Artillery's callback, with the failure when there was one. */
export type ScenarioCallback = (error: Error | null, context: ScenarioContext) => void;

export const ENGINE_NAME = 'wxsocket';

/** The wxsocket engine for Artillery: every virtual user is one virtual mini program (its own `createWx`). */
export class WxSocketEngine {
  readonly #script: ArtilleryScript;
  readonly #helpers: EngineHelpers;
  readonly #settings: EngineSettings;

  /**
   * Checks `config.engines.wxsocket` and the flow of every scenario that uses this engine; throws an
   * `EngineConfigError` naming the first bad setting or step.
   */
  constructor(script: ArtilleryScript, _events?: unknown, helpers?: EngineHelpers) {
    if (!isRecord(script) || !isRecord(script.config)) throw new TypeError('wxsocket engine: the script has no config');
    if (typeof helpers?.template !== 'function')
      throw new TypeError("wxsocket engine: Artillery's helpers (third argument) have no template function");
    this.#script = script;
    this.#helpers = helpers;
    this.#settings = resolveEngineConfig(script.config.engines?.[ENGINE_NAME], script._scriptPath);
    const { engine } = script.config;
    (script.scenarios ?? []).forEach((scenario, index) => {
      if (isRecord(scenario) && (scenario['engine'] ?? engine) === ENGINE_NAME)
        compileFlow(scenario['flow'], `scenarios[${index}].flow`, this.#defaults());
    });
  }

  /** Returns the function that runs one virtual user of the scenario. */
  createScenario(
    spec: { name?: string; flow?: unknown },
    events: ScenarioEvents,
  ): (context: ScenarioContext, callback: ScenarioCallback) => void {
    const metrics = new Metrics(events);
    const scenario: Scenario = {
      steps: compileFlow(spec.flow, `scenario ${JSON.stringify(spec.name ?? '')}.flow`, this.#defaults()),
      usesPhone: flowUses(spec.flow, ['background', 'network']),
      settings: this.#settings,
      helpers: this.#helpers,
      events,
      metrics,
      reportError: () => metrics.counter(Metric.listenerErrors),
      wxSettings: {},
    };
    return (context, callback) => {
      events.emit('started');
      runVirtualUser(scenario, context, callback);
    };
  }

  #defaults(): FlowDefaults {
    const { config } = this.#script;
    return {
      target: typeof config.target === 'string' ? config.target : undefined,
      processor: () => (isRecord(config.processor) ? config.processor : undefined),
    };
  }
}

/**
 * Runs the steps, then closes every socket, whatever happened, and calls back once with the first failure (reported
 * once as `errors.<kind>`) or `null`. Never throws.
 *
 * The steps run one after the other through `then`, not in a loop of `await`s: a virtual user waiting on a step (a
 * `think`, an `idle`) then holds one reaction and its two callbacks, not the suspended frame of an async function
 * with its awaits (about 350 bytes more per user).
 */
function runVirtualUser(scenario: Scenario, context: ScenarioContext, callback: ScenarioCallback): void {
  let vu: VirtualUser;
  try {
    vu = new VirtualUser(scenario, context);
  } catch (error) {
    return void end(scenario, undefined, errorOf(error), context, callback);
  }
  runSteps(vu, 0, callback);
}

/** Runs the steps from `index` on. */
function runSteps(vu: VirtualUser, index: number, callback: ScenarioCallback): void {
  const { steps } = vu.scenario;
  if (index === steps.length) return void end(vu.scenario, vu, null, vu.context, callback);
  const step = steps[index]!;
  let running: Promise<void> | undefined;
  try {
    // A step users stay in (think, idle) calls back, as Artillery's own engines' steps do: no promise, reaction and
    // callbacks to hold while it lasts (spec.ts).
    if (step.wait) return step.wait(vu, () => runSteps(vu, index + 1, callback));
    running = step(vu);
  } catch (error) {
    // A step may fail before it has a promise (a socket it names that does not exist, a bad template).
    return void end(vu.scenario, vu, errorOf(error), vu.context, callback);
  }
  running.then(
    () => runSteps(vu, index + 1, callback),
    (error: unknown) => void end(vu.scenario, vu, errorOf(error), vu.context, callback),
  );
}

/**
 * Closes every socket, reports the failure (the steps', else the shutdown's) and calls back. `failure` is what failed
 * the steps, `null` when they all passed. Never rejects.
 */
async function end(
  scenario: Scenario,
  vu: VirtualUser | undefined,
  failure: Error | null,
  context: ScenarioContext,
  callback: ScenarioCallback,
): Promise<void> {
  try {
    await vu?.shutdown();
  } catch (shutdownError) {
    failure ??= errorOf(shutdownError);
  }
  if (failure) scenario.metrics.error(failure instanceof StepError ? failure.kind : failure.message);
  // Outside the promise chain, so that an exception in Artillery's callback is not swallowed as a rejection.
  queueMicrotask(() => callback(failure, context));
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
