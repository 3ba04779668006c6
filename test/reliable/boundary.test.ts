// The reliable socket runs inside WeChat: its entry bundles for a neutral platform from its own files and the
// platform-free helpers it shares with the core (one UTF-8 length, one way to call user code, one check of option
// names), with no Node built-in and nothing from wxsocket's core or transports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';

/** The core's modules the reliable socket may use: leaves with no platform dependency. */
const SHARED = ['src/bytes.ts', 'src/option-keys.ts', 'src/report.ts', 'src/values.ts'];

test('src/reliable/index.ts bundles from src/reliable/ and the shared helpers alone, with no Node built-in', async () => {
  const result = await build({
    entryPoints: ['src/reliable/index.ts'],
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.length > 0);
  const outside = inputs.filter((input) => !/^src\/reliable\/[\w-]+\.ts$/.test(input) && !SHARED.includes(input));
  assert.deepEqual(outside, [], 'modules outside src/reliable/ and the shared helpers');
  const code = result.outputFiles[0]!.text;
  assert.doesNotMatch(code, /\bfrom\s+["']node:|require\(/);
});
