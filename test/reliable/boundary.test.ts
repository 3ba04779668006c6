// The reliable socket runs inside WeChat: its entry bundles for a neutral platform from its own files only, with no
// Node built-in and nothing from wxsocket's core or transports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';

test('src/reliable/index.ts bundles from src/reliable/ alone, with no Node built-in', async () => {
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
  for (const input of inputs) assert.match(input, /^src\/reliable\/[\w-]+\.ts$/, `${input} is outside src/reliable/`);
  const code = result.outputFiles[0]!.text;
  assert.doesNotMatch(code, /\bfrom\s+["']node:|require\(/);
});
