/**
 * The invariants every property case ends with: nothing left running (sockets, servers, timers), no process
 * listener added, no unhandled rejection or uncaught exception, the built-in prototypes untouched.
 */
import fc from 'fast-check';
import {
  CrashRecorder,
  activeResources,
  leaked,
  processListenerCounts,
  until,
  watchPrototypes,
} from '../helpers/leaks.js';

/**
 * Case counts scale with `WXSOCKET_PROPERTY_SCALE` (default 1: the CI size; e.g. 10 for a deeper local run), and a
 * failing run is replayed with `WXSOCKET_PROPERTY_SEED` (fast-check prints the seed and path of a failure).
 */
export function propertyParameters(numRuns: number): fc.Parameters<unknown> {
  const scale = Number(process.env['WXSOCKET_PROPERTY_SCALE'] ?? 1);
  const seed = process.env['WXSOCKET_PROPERTY_SEED'];
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed !== undefined && { seed: Number(seed) }),
    endOnFailure: true,
    includeErrorInReport: true,
  };
}

/** Baselines taken when a property starts, checked after each case. */
export class Invariants {
  readonly #crashes = new CrashRecorder();
  readonly #prototypesChanged = watchPrototypes();
  readonly #resources = activeResources();
  readonly #listeners = JSON.stringify(processListenerCounts());

  /** Waits (bounded) for the resources to come back to the baseline, then lists every broken invariant. */
  async problems(label: string): Promise<string[]> {
    const problems: string[] = [];
    // Bounded by time, not turns: a DNS lookup the task no longer waits for (it was closed while the name was being
    // resolved) cannot be cancelled and finishes on its own in the thread pool; that is not a leak.
    const back = await until(() => leaked(this.#resources).length === 0, { maxMs: 3000 });
    if (!back) problems.push(`${label}: resources left behind: ${leaked(this.#resources).join(', ')}`);
    const listeners = JSON.stringify(processListenerCounts());
    if (listeners !== this.#listeners)
      problems.push(`${label}: process listeners changed: ${this.#listeners} → ${listeners}`);
    for (const change of this.#prototypesChanged()) problems.push(`${label}: prototype polluted: ${change}`);
    try {
      this.#crashes.check(label);
    } catch (error) {
      problems.push((error as Error).message);
    }
    return problems;
  }

  stop(): void {
    this.#crashes.stop();
  }
}

/** Throws one error listing every problem, if there are any. */
export function assertNoProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(problems.slice(0, 20).join('\n'));
}
