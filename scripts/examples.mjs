#!/usr/bin/env node
// Checks the package as users get it: builds, packs it with `npm pack`, lints the tarball (publint, and
// @arethetypeswrong/cli for node10, node16 CJS/ESM and bundler resolution), checks what the tarball contains, then
// installs the tarball into a temporary copy of each example and runs its tests.
//
// TypeScript consumers are checked too: the entry points' types under node16, nodenext and bundler resolution.
//
// Usage: node scripts/examples.mjs [--keep] [name...]   (names: node-test vitest jest; default: all three)
// Needs the npm registry for the examples' own devDependencies (vitest, jest), unless npm's cache has them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestFiles } from './manifest-files.mjs';

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

/** A TypeScript consumer's use of every entry point, as ES module source (`.ts`/`.mts`). */
const TYPES_ESM = `
import { createWx, installWx, WxOptionsError, type Wx } from 'wxsocket';
import { createReliableSocket, type ReliableSocket } from 'wxsocket/reliable';
import { createTestServer, echo, type TestServer } from 'wxsocket/testing';

export async function use(): Promise<void> {
  const server: TestServer = await createTestServer({ handler: echo, secure: true });
  const wx: Wx = createWx({ platform: 'ios', ...server.wxOptions });
  const socket: ReliableSocket = createReliableSocket(wx, { url: server.url });
  socket.close();
  installWx().uninstall();
  if (!(new Error() instanceof WxOptionsError)) await server.close();
}
`;

/** The same as CommonJS source (`.cts`). */
const TYPES_CJS = `
import wxsocket = require('wxsocket');
import reliable = require('wxsocket/reliable');
import testing = require('wxsocket/testing');

export async function use(): Promise<void> {
  const server: testing.TestServer = await testing.createTestServer({ handler: testing.echo, secure: true });
  const wx: wxsocket.Wx = wxsocket.createWx({ platform: 'ios', ...server.wxOptions });
  const socket: reliable.ReliableSocket = reliable.createReliableSocket(wx, { url: server.url });
  socket.close();
  await server.close();
}
`;

/** What only the Node entry has: under `bundler` it takes the `node` condition (docs/compatibility.md). */
const TYPES_NODE_ONLY = `
import { wsTransport } from 'wxsocket';
export const transport = wsTransport({ hosts: { 'chat.example.test': '127.0.0.1' } });
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
  check(...shippedLinks(files.map((file) => file.path)));

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
  check(
    'bundles for Node with its set-up (package.json sideEffects)',
    consumerReady && (await bundlesForNode(consumer)),
  );
  check(
    'wxsocket/reliable bundles for a browser (no Node module)',
    consumerReady && (await bundlesReliableForBrowser(consumer)),
  );
  for (const [name, passed, detail] of consumerReady ? typeChecks(consumer) : [['types', false, 'no consumer']]) {
    check(name, passed, detail);
  }

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
 * A bundler that honours `sideEffects` drops a module imported only for its effect when the package says it has none:
 * the Node entry's set-up (node-host.js: the real timers, the shared macrotask of connection starts) must be listed
 * there, or a Node application bundled runs without it. esbuild warns when it drops one. Bundles
 * an application of the consumer for Node, as ES module and as CommonJS, and runs the CommonJS bundle (an ES module
 * bundle of `ws` needs a `require` shim, esbuild's documented limit, not this package's).
 */
async function bundlesForNode(consumer) {
  const { build } = await import('esbuild');
  const app = join(consumer, 'app.mjs');
  writeFileSync(app, "import { createWx } from 'wxsocket';\nif (!createWx().connectSocket) process.exit(1);\n");
  let passed = true;
  for (const [format, file] of [
    ['esm', 'bundle.mjs'],
    ['cjs', 'bundle.cjs'],
  ]) {
    const outfile = join(consumer, file);
    const { warnings } = await build({
      entryPoints: [app],
      bundle: true,
      platform: 'node',
      format,
      outfile,
      logLevel: 'silent',
    });
    for (const warning of warnings) console.error(`esbuild (${format}): ${warning.text}`);
    passed &&= warnings.length === 0;
  }
  return passed && run(process.execPath, [join(consumer, 'bundle.cjs')], consumer);
}

/**
 * `wxsocket/reliable` runs inside WeChat and in browsers too (reliable.md): nothing it loads may import a Node module
 * or `ws`. Bundling it for the browser fails on a Node module; `ws` resolves there to its browser stub, so the
 * bundle's inputs are searched for it.
 */
async function bundlesReliableForBrowser(consumer) {
  const { build } = await import('esbuild');
  const app = join(consumer, 'page.mjs');
  writeFileSync(
    app,
    "import { createReliableSocket } from 'wxsocket/reliable';\nglobalThis.open = createReliableSocket;\n",
  );
  let inputs;
  try {
    const options = {
      entryPoints: [app],
      bundle: true,
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'error',
    };
    inputs = Object.keys((await build(options)).metafile.inputs);
  } catch {
    return false; // esbuild has printed what it could not resolve
  }
  const ws = inputs.filter((input) => /(^|\/)node_modules\/ws\//.test(input));
  for (const input of ws) console.error(`wxsocket/reliable loads ${input}`);
  return ws.length === 0;
}

/**
 * Compiles a consumer's use of the package with the tarball's types, strict and without skipLibCheck, for each
 * module resolution a project may use. Returns one check per resolution.
 */
function typeChecks(consumer) {
  const dir = join(consumer, 'types');
  mkdirSync(dir);
  for (const [file, source] of Object.entries({
    'use.ts': TYPES_ESM,
    'use.mts': TYPES_ESM,
    'use.cts': TYPES_CJS,
    'node-only.ts': TYPES_NODE_ONLY,
  })) {
    writeFileSync(join(dir, file), source);
  }
  const [node, tsc] = bin('typescript', 'bin/tsc');
  const common = ['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022', '--types', 'node'];
  const compiles = (options, files) => {
    const { status, stdout } = spawnSync(node, [...tsc, ...common, ...options, ...files], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { passed: status === 0, output: stdout.trim() };
  };
  const results = [];
  const expect = (name, options, files, passes = true) => {
    const { passed, output } = compiles(options, files);
    if (passed !== passes) console.error(output || `${name}: compiled, but should not have`);
    results.push([`types: ${name}`, passed === passes, passes ? '' : 'refused, as documented']);
  };
  for (const resolution of ['node16', 'nodenext']) {
    expect(
      `${resolution} (ESM and CommonJS)`,
      ['--module', resolution, '--moduleResolution', resolution],
      ['use.mts', 'use.cts', 'node-only.ts'],
    );
  }
  const bundler = ['--module', 'esnext', '--moduleResolution', 'bundler'];
  expect('bundler', bundler, ['use.ts']);
  expect('bundler, customConditions node', [...bundler, '--customConditions', 'node'], ['use.ts', 'node-only.ts']);
  expect('bundler, customConditions browser', [...bundler, '--customConditions', 'browser'], ['use.ts']);
  // Without a platform condition, `wxsocket` has the API common to both entries: no `wsTransport`.
  expect('bundler: wsTransport needs the node condition', bundler, ['node-only.ts'], false);
  return results;
}

/**
 * The documentation ships in the package (a user reads it in node_modules, and the CLI points to docs/cli.md): every
 * relative link of every shipped markdown file must name a file in the tarball.
 */
function shippedLinks(paths) {
  const present = new Set(paths);
  const problems = [];
  let links = 0;
  for (const path of paths.filter((file) => file.endsWith('.md'))) {
    // Links outside code: fenced blocks and code spans are dropped first.
    const text = readFileSync(join(root, path), 'utf8')
      .replace(/^```[^]*?^```/gm, '')
      .replace(/`[^`\n]*`/g, '');
    for (const [, target] of text.matchAll(/\[[^\]\n]*\]\(([^)\s]+)\)/g)) {
      if (/^([a-z]+:|#)/i.test(target)) continue;
      links += 1;
      const file = join(dirname(path), target.replace(/#.*$/, '')).replaceAll('\\', '/');
      if (!present.has(file)) problems.push(`${path}: the link to ${target} leads outside the package`);
    }
  }
  for (const problem of problems) console.error(problem);
  return ['shipped docs link inside the package', problems.length === 0, `${links} relative links`];
}

/**
 * What the tarball must hold: package.json, the README, SECURITY.md, docs/ and dist/ without source maps or CLI
 * declarations; every file the `exports` map, `main`, `types` and `bin` name.
 */
function packContents(paths) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems = [];
  const allowed = (path) =>
    path === 'package.json' ||
    /^(README|LICENSE|SECURITY)(\.md)?$/i.test(path) ||
    /^docs\/[\w.-]+\.(md|svg)$/.test(path) ||
    (path.startsWith('dist/') && !path.endsWith('.map') && !/^dist\/cli\/.*\.d\.ts$/.test(path));
  for (const path of paths) if (!allowed(path)) problems.push(`unexpected file ${path}`);
  const present = new Set(paths);
  for (const target of manifestFiles(manifest))
    if (target !== 'package.json' && !present.has(target)) problems.push(`missing ${target}`);
  for (const problem of problems) console.error(problem);
  return [
    'package contents',
    problems.length === 0,
    `${paths.length} files${problems.length ? `, ${problems.length} problems` : ''}`,
  ];
}
