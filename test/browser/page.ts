/**
 * The in-page runner: declares every conformance suite for both profiles and every matrix version against the
 * page env, then waits to be asked. `window.__conformance.plan` lists the tests (with skip reasons), and
 * `run(id)` runs one and answers with its outcome; conformance.test.ts drives it and reports each test to node:test
 * by name. Opened by hand with `?run`, the page runs everything itself and lists the results.
 */
import { MATRIX_VERSIONS, SUITES } from '../conformance/index.js';
import { inspect } from './assert.js';
import { ControlChannel, pageEnv } from './page-env.js';

export interface TestInfo {
  readonly id: number;
  readonly title: string;
  /** The skip reason, or false. */
  readonly skip: string | false;
}

export interface SuiteInfo {
  readonly name: string;
  readonly tests: readonly TestInfo[];
}

export interface EnvInfo {
  readonly label: string;
  readonly suites: readonly SuiteInfo[];
}

export interface Outcome {
  readonly ok: boolean;
  readonly duration: number;
  readonly error?: { readonly name: string; readonly message: string; readonly stack: string };
}

export interface ConformancePage {
  readonly plan: readonly EnvInfo[];
  run(id: number): Promise<Outcome>;
}

declare global {
  interface Window {
    __conformance?: ConformancePage;
  }
}

/** A test that has not settled by then fails, so one hang cannot stall the run [ours: as node:test's timeout]. */
const TEST_TIMEOUT = 15_000;

const status = document.getElementById('status');
const channel = await ControlChannel.open();
const bodies: (() => Promise<void>)[] = [];
const plan: EnvInfo[] = [];
for (const platform of ['android', 'ios'] as const) {
  for (const SDKVersion of MATRIX_VERSIONS) {
    const env = pageEnv(channel, { platform, ...(SDKVersion !== undefined && { SDKVersion }) });
    const suites: SuiteInfo[] = [];
    for (const [name, suite] of Object.entries(SUITES)) {
      const tests: TestInfo[] = [];
      suite(env, (title, body, options = {}) => {
        tests.push({ id: bodies.length, title, skip: options.skip || false });
        bodies.push(body);
      });
      suites.push({ name, tests });
    }
    plan.push({ label: env.label, suites });
  }
}

async function run(id: number): Promise<Outcome> {
  const body = bodies[id];
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    if (!body) throw new Error(`no test ${id}`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`test timed out after ${TEST_TIMEOUT} ms`)), TEST_TIMEOUT);
    });
    await Promise.race([body(), timeout]);
    return { ok: true, duration: performance.now() - started };
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(inspect(error));
    return { ok: false, duration: performance.now() - started, error: { name, message, stack: stack ?? '' } };
  } finally {
    clearTimeout(timer);
  }
}

window.__conformance = { plan, run };
const count = bodies.length;
if (status) status.textContent = `ready: ${count} tests (open with ?run to run them here)`;

if (new URLSearchParams(location.search).has('run')) void runHere();

/** Runs every test in order and lists the outcomes on the page, for a person watching. */
async function runHere(): Promise<void> {
  const list = document.body.appendChild(document.createElement('ol'));
  let passed = 0;
  let failed = 0;
  for (const env of plan) {
    for (const suite of env.suites) {
      for (const test of suite.tests) {
        const item = list.appendChild(document.createElement('li'));
        const name = `${env.label} › ${suite.name} › ${test.title}`;
        if (test.skip) {
          item.textContent = `skipped: ${name} (${test.skip})`;
          continue;
        }
        const outcome = await run(test.id);
        if (outcome.ok) passed++;
        else failed++;
        item.textContent = `${outcome.ok ? 'ok' : 'FAILED'}: ${name}${outcome.error ? `\n${outcome.error.message}` : ''}`;
        item.style.whiteSpace = 'pre-wrap';
        if (status) status.textContent = `${passed} passed, ${failed} failed`;
      }
    }
  }
}
