#!/usr/bin/env node
// Builds dist/ from scratch: the ES modules (dist/) and the CommonJS copy (dist/cjs/), each with its .d.ts.
// tsc compiles both; dist/cjs gets a {"type": "commonjs"} package.json so that Node and TypeScript read its .js and
// .d.ts files as CommonJS. Starting from an empty dist/ keeps stale files out of `npm pack`.
//
// Then esbuild joins the ES modules into one file per entry point, and chunks for the code entry points share
// (`splitting`, so that `wxsocket` and `wxsocket/testing` still share one copy of every module): Node's ES module
// loader pays for each module, and `import 'wxsocket'` loaded 37 of them, now 3 (docs/benchmarks.md, "A fifth
// pass"). The declarations stay one per module, and so does the CommonJS copy: esbuild splits ES modules only.
//
// Usage: node scripts/build.mjs [--esm-only] [--out-dir <dir>]   (the benchmark's own copy: bench/processes.ts)
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { manifestFiles } from './manifest-files.mjs';

/**
 * The entry points no Node program loads: each is one file of its own. The others share chunks, as a program may load
 * several of them (`wxsocket`, `wxsocket/testing`, `wxsocket/reliable`, `wxsocket/artillery`).
 */
const BROWSER_ONLY = ['browser.js', 'testing/browser.js'];
/** The entry point of `import 'wxsocket'` on Node. */
const NODE_ENTRY = 'node.js';
/** Shared entry points that must load nothing of Node's: `wxsocket/reliable` runs in WeChat and browsers too. */
const PLATFORM_FREE = ['reliable/index.js'];

const { values: args } = parseArgs({
  options: { 'esm-only': { type: 'boolean', default: false }, 'out-dir': { type: 'string', default: 'dist' } },
});
const outDir = args['out-dir'];
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(outDir, { recursive: true, force: true });
const passes = [['tsconfig.build.json', outDir]];
if (!args['esm-only']) passes.push(['tsconfig.cjs.json', join(outDir, 'cjs')]);
for (const [project, projectOutDir] of passes) {
  const { status } = spawnSync(process.execPath, [tsc, '-p', project, '--outDir', projectOutDir], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
if (!args['esm-only']) writeFileSync(join(outDir, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
await joinModules(outDir);
// The bin, runnable straight from dist/ too (npm sets the bit on install; tsc does not).
chmodSync(join(outDir, 'cli', 'main.js'), 0o755);

/**
 * Replaces tsc's ES modules in `dir` with esbuild's: the entry points at their own paths, the code they share in
 * `chunks/`. The entry points are those of `package.json` (`exports` and `bin`) outside `dist/cjs/`.
 */
async function joinModules(dir) {
  const staging = join(dir, '.joined');
  const common = {
    outbase: dir,
    outdir: staging,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    packages: 'external', // `ws` and Node's modules, as tsc's output imports them
    target: 'es2022',
    charset: 'utf8',
    logLevel: 'warning',
  };
  const chunkNames = 'chunks/[name]-[hash]';
  const shared = esmEntryPoints().filter((file) => !BROWSER_ONLY.includes(file));
  const entryPoints = shared.map((file) => join(dir, file));
  const nodeOnly = shared.filter((file) => file !== NODE_ENTRY && !PLATFORM_FREE.includes(file));
  const plugins = [
    nodeEntryFirst(
      join(dir, NODE_ENTRY),
      nodeOnly.map((file) => join(dir, file)),
    ),
  ];
  const outputs = [
    await build({ ...common, entryPoints, splitting: true, chunkNames, plugins }),
    await build({ ...common, entryPoints: BROWSER_ONLY.map((file) => join(dir, file)) }),
  ];
  // A warning is a fault here: esbuild warns, for one, when it drops a module imported for its effect that
  // `sideEffects` does not list (compatibility.md), and the build would then run without it.
  if (outputs.some(({ warnings }) => warnings.length > 0)) process.exit(1);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const [top] = relative(dir, path).split(/[\\/]/); // either separator, whatever the platform
    if (entry.isFile() && entry.name.endsWith('.js') && top !== 'cjs' && top !== '.joined') rmSync(path);
  }
  cpSync(staging, dir, { recursive: true });
  rmSync(staging, { recursive: true });
}

/**
 * Has each of `importers` (the other Node-only entry points) import the Node entry first, in the build only, not in
 * the sources. esbuild makes a chunk of the code used by the same entry points: with everything the Node entry loads
 * used by all of them, it is one chunk, with the code `wxsocket/reliable` shares with it in another, and
 * `import 'wxsocket'` loads three files, where it loaded six. Those entry points used parts of the core, and load all
 * of it now, which costs less than loading it in parts (docs/benchmarks.md). `package.json` lists the Node entry in
 * `sideEffects`, or esbuild would drop the import.
 */
function nodeEntryFirst(nodeEntry, importers) {
  const paths = new Set(importers.map((path) => resolve(path)));
  return {
    name: 'node-entry-first',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, ({ path }) => {
        if (!paths.has(path)) return undefined;
        const source = readFileSync(path, 'utf8');
        const [shebang = ''] = /^#!.*\n/.exec(source) ?? []; // the CLI's, which must stay first
        const specifier = `./${relative(dirname(path), nodeEntry).split(/[\\/]/).join('/')}`;
        return { contents: `${shebang}import ${JSON.stringify(specifier)};\n${source.slice(shebang.length)}` };
      });
    },
  };
}

/** The ES module files `package.json` names (`exports`, `bin`), relative to dist/. */
function esmEntryPoints() {
  return manifestFiles(JSON.parse(readFileSync('package.json', 'utf8')))
    .filter((file) => /^dist\/(?!cjs\/).*\.js$/.test(file))
    .map((file) => file.slice('dist/'.length));
}
