#!/usr/bin/env node
// Checks the package as users get it: builds, packs it with `npm pack`, lints the tarball (publint, and
// @arethetypeswrong/cli for node10, node16 CJS/ESM and bundler resolution), checks what the tarball contains, then
// installs the tarball into a temporary copy of each example and runs its tests.
//
// Usage: node scripts/examples.mjs [--keep] [name...]   (names: node-test vitest jest; default: all three)
// Needs the npm registry for the examples' own devDependencies (vitest, jest), unless npm's cache has them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ALL = ['node-test', 'vitest', 'jest'];
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const names = args.filter((arg) => !arg.startsWith('--'));
const examples = names.length > 0 ? names : ALL;
for (const name of examples) if (!ALL.includes(name)) fail(`unknown example "${name}" (known: ${ALL.join(', ')})`);

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'wxsocket-examples-'));
const results = [];

/** Run in the consumer: `require` and `import` of each entry point give the same names (the browser stub aside). */
const ENTRY_CHECK = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
for (const entry of ['wxsocket', 'wxsocket/testing', 'wxsocket/reliable', 'wxsocket/artillery']) {
  const required = Object.keys(require(entry)).sort();
  const imported = Object.keys(await import(entry)).filter((name) => name !== 'default').sort();
  if (required.length === 0 || JSON.stringify(required) !== JSON.stringify(imported)) {
    throw new Error(entry + ': require gives ' + required.join(',') + '; import gives ' + imported.join(','));
  }
  console.log(entry + ': ' + required.join(', '));
}
const { createWx } = require('wxsocket');
if (typeof createWx().connectSocket !== 'function') throw new Error('createWx() from require has no connectSocket');
`;

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** Runs a command, output shown; returns whether it exited with 0. */
function run(command, commandArgs, cwd, options = {}) {
  console.log(`\n$ ${[command, ...commandArgs].join(' ')}   (in ${cwd})`);
  const { status, error } = spawnSync(command, commandArgs, {
    cwd,
    stdio: 'inherit',
    timeout: 15 * 60_000,
    ...options,
  });
  if (error) console.error(error.message);
  return status === 0;
}

/** Records one check and prints its outcome. */
function check(name, passed, detail = '') {
  results.push({ name, passed });
  console.log(`${passed ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
}

/** A devDependency's bin, run with this Node. */
function bin(pkg, file) {
  return [process.execPath, [join(root, 'node_modules', pkg, file)]];
}

try {
  // 1. Build and pack, as `npm publish` would.
  if (!run(npm, ['run', 'build', '--silent'], root)) fail('build failed');
  const packed = spawnSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  if (packed.status !== 0) fail(`npm pack failed:\n${packed.stderr}`);
  const [{ filename, files }] = JSON.parse(packed.stdout);
  const tarball = join(work, filename);
  console.log(`packed ${tarball} (${files.length} files)`);

  // 2. The tarball: lint it, and check it holds what users need and nothing else.
  const [publintNode, publintArgs] = bin('publint', 'src/cli.js');
  check('publint', run(publintNode, [...publintArgs, '--strict', tarball], root));
  const [attwNode, attwArgs] = bin('@arethetypeswrong/cli', 'dist/index.js');
  check('@arethetypeswrong/cli', run(attwNode, [...attwArgs, tarball], root));
  check(...packContents(files.map((file) => file.path)));

  // 3. A bare consumer: each entry point loads with `require` and with `import`, with the same exports, and the
  //    bin is linked.
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  const consumerReady = run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], consumer);
  check(
    'entry points load with require and import',
    consumerReady && run(process.execPath, ['--input-type=module', '-e', ENTRY_CHECK], consumer),
  );
  check('bin is linked', consumerReady && existsSync(join(consumer, 'node_modules', '.bin', 'wxsocket')));

  // 4. Each example, in a temporary copy (with node-test, whose chat module the others share), on the tarball.
  cpSync(join(root, 'examples'), join(work, 'examples'), {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  for (const name of examples) {
    const dir = join(work, 'examples', name);
    const manifestPath = join(dir, 'package.json');
    // node-test runs in the repository as part of it; standing alone it needs a manifest of its own.
    const manifest = existsSync(manifestPath)
      ? JSON.parse(readFileSync(manifestPath, 'utf8'))
      : { name: `wxsocket-example-${name}`, private: true, type: 'module', scripts: { test: 'node --test' } };
    manifest.devDependencies = { ...manifest.devDependencies, wxsocket: `file:${tarball}` };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const installed = run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    check(`example ${name}`, installed && run(npm, ['test'], dir, { env: { ...process.env, CI: 'true' } }));
  }
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const passed = results.filter((result) => result.passed).length;
console.log(`\n${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);

/**
 * What the tarball must hold: package.json, the README, and dist/ without source maps or CLI declarations; every
 * file the `exports` map, `main`, `types` and `bin` name.
 */
function packContents(paths) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems = [];
  const allowed = (path) =>
    path === 'package.json' ||
    /^(README|LICENSE)(\.md)?$/i.test(path) ||
    (path.startsWith('dist/') && !path.endsWith('.map') && !/^dist\/cli\/.*\.d\.ts$/.test(path));
  for (const path of paths) if (!allowed(path)) problems.push(`unexpected file ${path}`);
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect([manifest.main, manifest.types, manifest.bin]);
  const present = new Set(paths);
  for (const target of targets)
    if (target !== 'package.json' && !present.has(target)) problems.push(`missing ${target}`);
  for (const problem of problems) console.error(problem);
  return [
    'package contents',
    problems.length === 0,
    `${paths.length} files${problems.length ? `, ${problems.length} problems` : ''}`,
  ];
}
