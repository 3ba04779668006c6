/**
 * The browser entry's size and contents, measured by scripts/size.mjs (esbuild bundle for the browser, minified,
 * gzipped): the budget is 12 KB gzipped (8 KB for the socket API, 4 KB for the field conditions of §8; the core's
 * guards around custom transports and derived promises and the refusal of unknown options were paid for inside it),
 * and the bundle must hold nothing Node-only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

interface Bundle {
  readonly minified: number;
  readonly gzipped: number;
  readonly modules: readonly string[];
}

const run = spawnSync(process.execPath, ['scripts/size.mjs', '--json'], { encoding: 'utf8', timeout: 60_000 });
const size = JSON.parse(run.stdout || 'null') as { browser: Bundle; core: Bundle; budget: number } | null;

test('the browser entry bundles for the browser with only core modules and the native transport', () => {
  assert.ok(size, `scripts/size.mjs failed: ${run.stderr}`);
  const outside = size.browser.modules.filter(
    (path) => !/^src\/(?!node\.ts$|cli\/|testing\/|reliable\/|transports\/ws\.ts$)[\w/-]+\.ts$/.test(path),
  );
  assert.deepEqual(outside, [], 'Node-only modules or dependencies in the browser bundle');
  assert.ok(size.browser.modules.includes('src/transports/native.ts'));
});

test('the native transport and the browser entry (with its page events, §8.4) add at most 1.5 KB gzipped to the core', () => {
  assert.ok(size);
  const added = size.browser.gzipped - size.core.gzipped;
  assert.ok(added <= 1536, `+${added} B gzipped`);
});

test('the browser entry is at most 12 KB minified and gzipped (scripts/size.mjs)', (t) => {
  assert.ok(size);
  t.diagnostic(
    `browser entry: ${size.browser.minified} B minified, ${size.browser.gzipped} B gzipped (core alone ${size.core.gzipped} B)`,
  );
  assert.equal(size.budget, 12 * 1024);
  assert.ok(
    size.browser.gzipped <= size.budget,
    `${size.browser.gzipped} B gzipped, over the budget of ${size.budget} B`,
  );
  assert.equal(run.status, 0);
});
