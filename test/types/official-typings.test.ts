/**
 * Types: wxsocket's public types are structurally compatible with the official `miniprogram-api-typings`
 * (docs/compatibility.md). The checks themselves are in `official-typings.ts`; this runs the compiler over them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Runs `tsc --noEmit -p <project>` and returns its diagnostics, one per line (`file(line,col): error TSnnnn: …`). */
function typecheck(project: string, ...options: string[]): { status: number | null; diagnostics: string[] } {
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    [tsc, '--noEmit', '--pretty', 'false', '-p', project, ...options],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const diagnostics = `${stdout}${stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
  return { status, diagnostics };
}

test('types: SocketTask, wx, option and result types assign to WechatMiniprogram.* and official-style code type-checks against ours', () => {
  const { status, diagnostics } = typecheck(join(here, 'tsconfig.json'));
  assert.deepEqual(diagnostics, []);
  assert.equal(status, 0);
});

test('types: the compiler reports each deliberate mistake of negative/mistakes.ts, so the check above can fail', () => {
  const file = join(here, 'negative', 'mistakes.ts');
  const expected = readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      const code = /^\/\* (TS\d+) \*\//.exec(line)?.[1];
      return code ? [`${index + 1} ${code}`] : [];
    });
  assert.ok(expected.length >= 4, 'the fixture marks its mistakes');
  const { status, diagnostics } = typecheck(join(here, 'negative', 'tsconfig.json'));
  const reported = diagnostics.map((line) => {
    const match = /mistakes\.ts\((\d+),\d+\): error (TS\d+)/.exec(line);
    assert.ok(match, `an error outside the fixture: ${line}`);
    return `${match[1]} ${match[2]}`;
  });
  assert.deepEqual(reported, expected);
  assert.notEqual(status, 0);
});

test('types: without skipLibCheck the official typings and @types/node clash, as docs/compatibility.md says', () => {
  const { status, diagnostics } = typecheck(join(here, 'tsconfig.json'), '--skipLibCheck', 'false');
  assert.notEqual(status, 0);
  assert.ok(diagnostics.length > 0);
  for (const line of diagnostics) {
    assert.match(line, /^node_modules\/(@types\/node|miniprogram-api-typings)\/.*error TS2451: Cannot redeclare/);
  }
});
