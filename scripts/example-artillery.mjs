#!/usr/bin/env node
// examples/artillery from a clone of this repository, in one command, before (or without) the packages being on the
// npm registry: packs wxsocket and artillery-engine-wxsocket and installs them into .tmp/artillery-example, takes
// Artillery from its cache (installed the first time, ~460 MB) and runs the example's run.mjs on Node 24 (Artillery
// needs Node 22 or later), which starts `wxsocket serve`, runs the scenario against it and stops it.
//
// Usage: npm run example:artillery [-- chat | storm | commute] [-- <more artillery run options>]
//   chat (the default): chat.yml; storm: reconnect-storm.yml through a server restart; commute: commute.yml.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cachedArtillery, fail, installPackedEngine, root, run } from './artillery-kit.mjs';
import { node24 } from './node24.mjs';

const WHO = 'example:artillery';
const scenarios = {
  chat: ['chat.yml'],
  storm: ['reconnect-storm.yml', '--restart-after', '6'],
  commute: ['commute.yml'],
};
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const names = dash === -1 ? argv : argv.slice(0, dash);
const [name = 'chat'] = names;
const extra = dash === -1 ? [] : argv.slice(dash);
const scenario = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
if (names.length > 1) {
  console.error(`${WHO}: one scenario, not ${names.join(' ')}; options for artillery run go after a second --`);
  process.exit(2);
}
if (scenario === undefined) {
  console.error(`${WHO}: unknown scenario '${name}': one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

const artillery = cachedArtillery(WHO);
if (artillery === undefined) fail(WHO, 'Artillery is not cached and cannot be installed without the registry');
const node = node24(WHO);
const work = join(root, '.tmp', 'artillery-example');
rmSync(work, { recursive: true, force: true });
const modules = installPackedEngine(WHO, work, join(work, 'worker'));

const args = [join(root, 'examples', 'artillery', 'run.mjs'), ...scenario, ...extra];
const status = run(node, args, join(root, 'examples', 'artillery'), {
  NODE_PATH: modules,
  ARTILLERY_BIN: artillery.bin,
  ARTILLERY_DISABLE_TELEMETRY: 'true',
});
process.exit(status ?? 1);
