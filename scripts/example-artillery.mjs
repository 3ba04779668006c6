#!/usr/bin/env node
// examples/artillery from a clone of this repository, in one command, before (or without) the packages being on the
// npm registry: packs wxsocket and artillery-engine-wxsocket and installs them into .tmp/artillery-example, takes
// Artillery from its cache (installed the first time, ~460 MB) and runs one of the example's own npm scripts on
// Node 24 (Artillery needs Node 22 or later): run.mjs starts `wxsocket serve`, runs the scenario against it and
// stops it.
//
// Usage: npm run example:artillery [-- chat | storm | commute] [-- <more artillery run options>]
//   the scripts of examples/artillery/package.json, `chat` (the default) standing for its `start`.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cachedArtillery, fail, installPackedEngine, root, run } from './artillery-kit.mjs';
import { node24 } from './node24.mjs';

const WHO = 'example:artillery';
const example = join(root, 'examples', 'artillery');
const { scripts } = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8'));
const scriptOf = (name) => (name === 'chat' ? 'start' : name === 'start' ? undefined : name);
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const names = dash === -1 ? argv : argv.slice(0, dash);
const [name = 'chat'] = names;
const extra = dash === -1 ? [] : argv.slice(dash);
const script = scriptOf(name);
if (names.length > 1) {
  console.error(`${WHO}: one scenario, not ${names.join(' ')}; options for artillery run go after a second --`);
  process.exit(2);
}
if (script === undefined || !Object.hasOwn(scripts, script)) {
  const known = Object.keys(scripts).map((key) => (key === 'start' ? 'chat' : key));
  console.error(`${WHO}: unknown scenario '${name}': one of ${known.join(', ')}`);
  process.exit(2);
}

const artillery = cachedArtillery(WHO);
if (artillery === undefined) fail(WHO, 'Artillery is not cached and cannot be installed without the registry');
const node = node24(WHO);
const work = join(root, '.tmp', 'artillery-example');
rmSync(work, { recursive: true, force: true });
const modules = installPackedEngine(WHO, work, join(work, 'worker'));

// The script's `node` is Node 24: its directory comes first on PATH. npm takes the first `--` for itself, so the
// options for run.mjs (which begin with their own `--`) go after one more.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const status = run(npm, ['run', '--silent', script, ...(extra.length > 0 ? ['--', ...extra] : [])], example, {
  PATH: `${dirname(node)}:${process.env.PATH}`,
  NODE_PATH: modules,
  ARTILLERY_BIN: artillery.bin,
  ARTILLERY_DISABLE_TELEMETRY: 'true',
});
process.exit(status ?? 1);
