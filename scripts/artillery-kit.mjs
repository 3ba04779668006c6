// What running Artillery on this repository's engine takes, shared by scripts/test-artillery.mjs (the integration
// test) and scripts/example-artillery.mjs (examples/artillery from a clone):
// - Artillery itself, installed once per version into a cache outside the clone ($WXSOCKET_ARTILLERY_CACHE, else
//   ~/.cache/wxsocket/artillery-<version>), without the Playwright browser its install would download: it is large
//   (~460 MB), so it is not a dev dependency;
// - both packages packed as `npm publish` would, and the engine installed from its tarball into a clean directory,
//   as a distributed worker installs it by name.
// Artillery 2 needs Node 22 or later: it runs on the Node 24 of scripts/node24.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Prints `who: message` and ends the process with status 1. */
export function fail(who, message) {
  console.error(`${who}: ${message}`);
  process.exit(1);
}

/** Runs a command with its output shown; returns its exit status. */
export function run(command, args, cwd, env = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}   (in ${cwd})`);
  const { status, error } = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    timeout: 15 * 60_000,
  });
  if (error) console.error(error.message);
  return status;
}

const cacheRoot = join(homedir(), '.cache', 'wxsocket');
const cacheOf = (version) => process.env.WXSOCKET_ARTILLERY_CACHE ?? join(cacheRoot, `artillery-${version}`);
const binIn = (cache) => join(cache, 'node_modules', 'artillery', 'bin', 'run');

/** The version of the Artillery installed in `cache`, or `undefined` when there is none. */
function installedVersion(cache) {
  try {
    return JSON.parse(readFileSync(join(cache, 'node_modules', 'artillery', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Without the registry: the newest Artillery already in the cache, or `undefined`. */
function newestCached() {
  let caches = [];
  if (process.env.WXSOCKET_ARTILLERY_CACHE !== undefined) caches = [process.env.WXSOCKET_ARTILLERY_CACHE];
  else if (existsSync(cacheRoot))
    caches = readdirSync(cacheRoot)
      .filter((name) => /^artillery-\d+\.\d+\.\d+$/.test(name))
      .map((name) => join(cacheRoot, name));
  return caches
    .map((cache) => ({ version: installedVersion(cache), bin: binIn(cache), cache }))
    .filter((found) => found.version !== undefined)
    .sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }))[0];
}

/**
 * The latest Artillery, installed into the cache when it is not there yet: `{version, bin}` (`bin`: its `run`
 * script). When the npm registry cannot be reached at all, the newest one already cached, or `undefined` when there
 * is none (the caller says what that means for it).
 */
export function cachedArtillery(who) {
  const view = spawnSync(npm, ['view', 'artillery', 'version', '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (view.status !== 0) {
    const output = `${view.error?.message ?? ''}\n${view.stderr}\n${view.stdout}`;
    if (
      view.error ||
      /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|HOSTUNREACH)|network/i.test(output)
    ) {
      const why = output.split('\n').find((line) => /E[A-Z]{4,}|network/i.test(line)) ?? 'no answer';
      const cached = newestCached();
      const fallback =
        cached === undefined ? 'and no Artillery is cached' : `artillery ${cached.version} from ${cached.cache}`;
      console.log(`${who}: the npm registry cannot be reached (${why.trim()}): ${fallback}`);
      return cached;
    }
    fail(who, `npm view artillery failed:\n${output}`);
  }
  const version = JSON.parse(view.stdout);
  const cache = cacheOf(version);
  const bin = binIn(cache);
  if (installedVersion(cache) === version) {
    console.log(`${who}: artillery ${version} from ${cache} (cached)`);
    return { version, bin };
  }
  // Installed into a side directory, then moved in place: never half there.
  const partial = `${cache}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), '{ "private": true }\n');
  const started = Date.now();
  const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `artillery@${version}`];
  if (run(npm, args, partial, { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }) !== 0)
    fail(who, `installing artillery@${version} failed`);
  rmSync(cache, { recursive: true, force: true });
  renameSync(partial, cache);
  console.log(`${who}: artillery ${version} installed into ${cache} in ${Math.round((Date.now() - started) / 1000)} s`);
  return { version, bin };
}

/**
 * Builds and packs wxsocket and artillery-engine-wxsocket into `work`, and installs the engine from its tarball into
 * the clean directory `worker` (made here; wxsocket's tarball stands in for the registry's copy the engine depends
 * on). Returns `worker`'s node_modules: Artillery looks engines up by package name from where it is installed, so
 * callers hand this directory to it as NODE_PATH, as installing both into one directory would.
 */
export function installPackedEngine(who, work, worker) {
  if (run(npm, ['run', 'build', '--silent'], root) !== 0) fail(who, 'build failed');
  mkdirSync(work, { recursive: true });
  const pack = (dir) => {
    const packed = spawnSync(npm, ['pack', '--json', '--pack-destination', work, dir], { cwd: root, encoding: 'utf8' });
    if (packed.status !== 0) fail(who, `npm pack ${dir} failed:\n${packed.stderr}`);
    return join(work, JSON.parse(packed.stdout)[0].filename);
  };
  const wxsocket = pack('.');
  const engine = pack('./packages/artillery-engine-wxsocket');
  mkdirSync(worker, { recursive: true });
  writeFileSync(join(worker, 'package.json'), '{ "name": "worker", "private": true }\n');
  if (run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', engine, wxsocket], worker) !== 0)
    fail(who, 'installing the engine tarball failed');
  return join(worker, 'node_modules');
}
