#!/usr/bin/env node
// Builds dist/ from scratch: the ES modules (dist/) and the CommonJS copy (dist/cjs/), each with its .d.ts.
// Two passes of one tool (tsc); dist/cjs gets a {"type": "commonjs"} package.json so that Node and TypeScript read
// its .js and .d.ts files as CommonJS. Starting from an empty dist/ keeps stale files out of `npm pack`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync('dist', { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  const { status } = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
// The bin, runnable straight from dist/ too (npm sets the bit on install; tsc does not).
chmodSync('dist/cli/main.js', 0o755);
