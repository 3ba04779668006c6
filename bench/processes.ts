/**
 * The processes of a benchmark run: the echo server, and one driver process per measurement. Both are bundled to
 * plain JavaScript first, so that a driver starts in about 0.1 s without a TypeScript loader. The library is
 * measured as the project's build makes it (what users run), not through tsx's on-the-fly transform, and into a
 * directory of the benchmark's own: a `npm run build` running meanwhile in the same tree cannot change the code
 * under measurement.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Job } from './driver.js';
import type { Measurement } from './workloads.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the benchmark builds and keeps what is not to be committed. */
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'wxsocket-bench');

/**
 * Builds `src/` as `npm run build` builds its ES modules (`scripts/build.mjs --esm-only`) into the benchmark's own
 * directory and returns its entry point: the library under test, unless `--library` names another build (of a
 * proposed change, say).
 */
export async function buildLibrary(): Promise<string> {
  const outDir = join(BUILD_DIR, 'dist');
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--esm-only', '--out-dir', outDir], {
    cwd: ROOT,
  });
  return join(outDir, 'node.js');
}

export interface Scripts {
  readonly driver: string;
  readonly coldDriver: string;
  readonly echoServer: string;
  readonly layer: string;
}

/** Bundles the entry points (the library itself stays outside: it is imported from its build). */
export async function bundleScripts(): Promise<Scripts> {
  await build({
    entryPoints: {
      driver: join(ROOT, 'bench', 'driver.ts'),
      'cold-driver': join(ROOT, 'bench', 'cold-driver.ts'),
      'echo-server': join(ROOT, 'bench', 'echo-server.ts'),
      layer: join(ROOT, 'bench', 'layer.ts'),
    },
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external', // `ws` from node_modules
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return {
    driver: join(BUILD_DIR, 'driver.mjs'),
    coldDriver: join(BUILD_DIR, 'cold-driver.mjs'),
    echoServer: join(BUILD_DIR, 'echo-server.mjs'),
    layer: join(BUILD_DIR, 'layer.mjs'),
  };
}

/** Commands to run a process under: what the echo server and the driver processes each start with. */
export interface Placement {
  readonly server: readonly string[];
  readonly driver: readonly string[];
  /** Said in the results. */
  readonly description: string;
}

/**
 * Where the processes of a run go: on Linux with two CPUs or more (and `taskset`), the echo server on CPU 1 and every
 * driver on CPU 0; elsewhere, wherever the scheduler puts them. Left to the scheduler on this 2-CPU virtual machine,
 * a client and the server shared one CPU in some rounds and not in others, and a sequential open + close (which
 * waits on the server at every step) of the same `ws` client ran at 1,400 to 2,580 connections/s from one process
 * to the next, its CPU time per connection at 330 to 630 µs. Pinned, at 2,070 to 2,540 (docs/benchmarks.md, Method).
 */
export function placement(): Placement {
  const unpinned = { server: [], driver: [], description: 'not pinned' };
  if (process.platform !== 'linux' || availableParallelism() < 2) return unpinned;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  } catch {
    return unpinned;
  }
  return {
    server: ['taskset', '-c', '1'],
    driver: ['taskset', '-c', '0'],
    description: 'echo server on CPU 1, drivers on CPU 0',
  };
}

export interface EchoServer {
  readonly url: string;
  stop(): void;
}

/**
 * Starts the echo server in its own process (run under `wrapper`: `Placement.server`); it exits when stopped or when
 * this process ends.
 */
export async function startEchoServer(scripts: Scripts, wrapper: readonly string[] = []): Promise<EchoServer> {
  const child: ChildProcess = spawn(...nodeCommand(wrapper, [scripts.echoServer]), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  return { url: `ws://127.0.0.1:${port}`, stop: () => child.disconnect() };
}

/**
 * Runs one job in a fresh driver process and returns its result: a `Measurement`, or `PairedMeasurements` for a
 * paired job.
 */
export async function runDriver<T = Measurement>(
  scripts: Scripts,
  job: Job,
  wrapper: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const stdout = await runNode([scripts.driver, JSON.stringify(job)], wrapper, nodeFlags);
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
  } catch {
    throw new Error(`no result: ${stdout.slice(0, 200)}`);
  }
}

/**
 * Runs `node --expose-gc <args>` and returns its stdout; fails on a non-zero exit. `wrapper` runs node under another
 * program (valgrind), given as its command line and node's own flags before the script.
 */
export function runNode(
  args: readonly string[],
  wrapper: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(...nodeCommand(wrapper, ['--expose-gc', ...nodeFlags, ...args]), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit ${code}: ${errorLine(stderr)}`));
    });
  });
}

/** The line of a process's stderr that says what went wrong: the first naming an error, else the last. */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.find((line) => /Error\b|error:/.test(line))?.trim() ?? lines.at(-1) ?? '';
}

/** `node <args>` as a command and its arguments, run under `wrapper` (`taskset`, valgrind) when one is given. */
function nodeCommand(wrapper: readonly string[], args: readonly string[]): [string, string[]] {
  const [command, ...rest] = [...wrapper, process.execPath, ...args];
  return [command!, rest];
}
