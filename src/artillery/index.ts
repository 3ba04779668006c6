/**
 * `wxsocket/artillery`: an Artillery engine where each virtual user is one virtual mini program. Node only. Artillery
 * finds engines by package name: install `artillery-engine-wxsocket`, which re-exports {@link WxSocketEngine}.
 * Guide: docs/load-testing.md.
 */
export { WxSocketEngine, ENGINE_NAME, type ArtilleryScript, type ScenarioCallback } from './engine.js';
export type { EngineConfig, Platform } from './config.js';
export { EngineConfigError, StepError, type StepErrorKind } from './errors.js';
export { Metric, type ScenarioEvents } from './metrics.js';
export type { EngineHelpers, ScenarioContext } from './vu.js';
