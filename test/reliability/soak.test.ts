/**
 * The long runs of scripts/soak/ in their CI size (`--quick`), each in its own process (they measure the heap and
 * the process's handles, which other tests would disturb). The full runs are outside the default test run; see
 * docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

for (const [name, what] of [
  ['open-close', '500 open/close cycles with the heap flat'],
  ['messages', '20,000 messages each way, in order and byte-exact'],
  ['backpressure', '96 MiB through a slow reader with bounded memory'],
] as const) {
  test(`long run, CI size: ${what} (scripts/soak/${name}.ts --quick)`, () => {
    const script = fileURLToPath(new URL(`../../scripts/soak/${name}.ts`, import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--quick'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const verdictLine = run.stdout.split('\n').find((line) => line.startsWith('VERDICT: '));
    assert.ok(
      verdictLine,
      `no verdict (exit ${run.status}, signal ${run.signal}):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`,
    );
    assert.match(verdictLine, /^VERDICT: PASS /, run.stdout.slice(-3000));
    assert.equal(run.status, 0);
  });
}
