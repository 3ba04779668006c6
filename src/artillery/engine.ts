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
    };
    return (context, callback) => {
      events.emit('started');
      void runVirtualUser(scenario, context, callback);
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
 * once as `errors.<kind>`) or `null`. Never rejects. The callback is called from here rather than from a `then` on
 * this function's promise: a virtual user then holds one closure and reaction less while it runs.
 */
async function runVirtualUser(scenario: Scenario, context: ScenarioContext, callback: ScenarioCallback): Promise<void> {
  let vu: VirtualUser | undefined;
  let failure: Error | null = null;
  try {
    vu = new VirtualUser(scenario, context);
    // By index: an iterator would be held, with the rest of this frame, for as long as each step takes.
    const { steps } = scenario;
    for (let i = 0; i < steps.length; i++) await steps[i]!(vu);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  try {
    await vu?.shutdown();
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }
  if (failure) scenario.metrics.error(failure instanceof StepError ? failure.kind : failure.message);
  // Outside the promise chain, so that an exception in Artillery's callback is not swallowed as a rejection.
  queueMicrotask(() => callback(failure, context));
}
