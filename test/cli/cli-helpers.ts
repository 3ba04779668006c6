// Spawning the built CLI. `buildCli()` (a `before` hook) runs `npm run build` when dist/ is older than src/, then
// copies the CLI's part of dist/ into a snapshot private to this test run (named after the runner's pid, shared by
// its test files, which run as parallel processes of one runner, through a lock). The tests spawn the snapshot, so a
// build started elsewhere in a shared working tree (which empties dist/ first) cannot pull files from under them.
// Then `runCli` for one-shot runs and `startCli` for interactive ones.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
// Inside the package, so the snapshot resolves `ws` from the package's node_modules as dist/ does.
const SNAPSHOTS = join(ROOT, 'node_modules', '.cache', 'wxsocket-cli-test');
const SNAPSHOT = join(SNAPSHOTS, `run-${process.ppid}`);
/** The CLI the tests run: the snapshot of dist/cli/main.js. */
export const CLI = join(SNAPSHOT, 'dist', 'cli', 'main.js');

const LOCK = join(tmpdir(), `wxsocket-cli-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const LOCK_WAIT_MS = 180_000;
const STALE_LOCK_MS = 180_000;
const OLD_SNAPSHOT_MS = 3_600_000;

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)));
}

function sourceFiles(): string[] {
  return filesUnder(join(ROOT, 'src')).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
}

/**
 * `dist` holds a declaration for every source file (tsc's), and every module the CLI loads: its entry and the chunks
 * these import, statically or not (esbuild's, scripts/build.mjs).
 */
function isComplete(dist: string): boolean {
  return (
    sourceFiles().every((file) => existsSync(join(dist, file.replace(/\.ts$/, '.d.ts')))) &&
    modulesFrom(join(dist, 'cli', 'main.js')).every((file) => existsSync(file))
  );
}

/** `entry` and the modules it imports by relative path, transitively, whether or not each exists. */
function modulesFrom(entry: string, found = new Set<string>()): string[] {
  if (found.has(entry)) return [...found];
  found.add(entry);
  if (existsSync(entry))
    for (const [, path] of readFileSync(entry, 'utf8').matchAll(
      /\bimport\s*\(?\s*(?:[^'"]*?\sfrom\s*)?["'](\.[^"']+)["']/g,
    ))
      modulesFrom(join(dirname(entry), path!), found);
  return [...found];
}

/** dist/ is complete and newer than every source file. */
function isFresh(): boolean {
  try {
    const newest = Math.max(...sourceFiles().map((file) => statSync(join(ROOT, 'src', file)).mtimeMs));
    return isComplete(DIST) && statSync(join(DIST, 'cli', 'main.js')).mtimeMs >= newest;
  } catch {
    return false;
  }
}

async function withLock<T>(work: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock left by a killed run is removed after a while.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`waited ${LOCK_WAIT_MS} ms for the CLI build lock ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds dist/ if stale and snapshots the CLI for this test run (once per run). Call it in a `before` hook. */
export async function buildCli(): Promise<void> {
  await withLock(() => {
    if (existsSync(CLI)) return;
    removeOldSnapshots();
    // A build started elsewhere may empty dist/ while it is copied: check the copy, and retry a few times.
    for (let attempt = 1; ; attempt++) {
      if (!isFresh()) {
        const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
        // tsc still emits when another file has a type error; the CLI can be tested as long as it was emitted.
        if (!isFresh()) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
        if (build.status !== 0) console.warn(`npm run build reported errors (the CLI was emitted):\n${build.stdout}`);
      }
      rmSync(SNAPSHOT, { recursive: true, force: true });
      mkdirSync(SNAPSHOT, { recursive: true });
      cpSync(DIST, join(SNAPSHOT, 'dist'), {
        recursive: true,
        filter: (source) => !source.startsWith(join(DIST, 'cjs')),
      });
      // The CLI reads its version from ../../package.json.
      copyFileSync(join(ROOT, 'package.json'), join(SNAPSHOT, 'package.json'));
      if (isComplete(join(SNAPSHOT, 'dist'))) return;
      if (attempt === 3) throw new Error(`dist/ kept changing while it was copied to ${SNAPSHOT}`);
    }
  });
}

/** Snapshots of finished runs: removed after an hour. */
function removeOldSnapshots(): void {
  if (!existsSync(SNAPSHOTS)) return;
  for (const name of readdirSync(SNAPSHOTS)) {
    const path = join(SNAPSHOTS, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > OLD_SNAPSHOT_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile.
    }
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of every run: no colours unless a test asks. */
function envWith(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['FORCE_COLOR'];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once. */
  readonly input?: string;
  readonly env?: Record<string, string | undefined>;
  /** Kill the CLI and fail after this long. Default 20 s. */
  readonly timeout?: number;
}

/** Runs `wxsocket <args>` to the end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, { env: options.env ?? {} }, options.input ?? '').exited(options.timeout ?? 20_000);
}

/** CLIs started and not yet exited: killed when the test process exits, so a failed test leaves none running. */
const running = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A running CLI, driven through stdin and read through stdout. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  readonly #watchers = new Set<() => void>();
  readonly #exit: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: envWith(env) });
    running.add(this.child);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      for (const watcher of this.#watchers) watcher();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
      for (const watcher of this.#watchers) watcher();
    });
    this.#exit = new Promise((resolve) =>
      this.child.on('close', (code) => {
        running.delete(this.child);
        resolve(code);
      }),
    );
    this.child.stdin.on('error', () => undefined); // the CLI may exit before reading everything
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  end(): void {
    this.child.stdin.end();
  }

  /** Resolves with stdout once it matches `pattern` (checked on every chunk), or rejects after `timeout`. */
  waitFor(pattern: RegExp, timeout = 10_000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = stream === 'stdout' ? this.#stdout : this.#stderr;
        if (!pattern.test(text)) return false;
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        resolve(text);
        return true;
      };
      const watcher = (): void => void check();
      const timer = setTimeout(() => {
        this.#watchers.delete(watcher);
        reject(
          new Error(
            `no ${pattern} in ${stream} after ${timeout} ms.\nstdout:\n${this.#stdout}\nstderr:\n${this.#stderr}`,
          ),
        );
      }, timeout);
      this.#watchers.add(watcher);
      check();
    });
  }

  /** Resolves once the CLI has exited; kills it (and rejects) if it takes longer than `timeout`. */
  async exited(timeout = 20_000): Promise<CliResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([
      this.#exit,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout))),
    ]);
    clearTimeout(timer);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      await this.#exit;
      throw new Error(`the CLI did not exit within ${timeout} ms.\nstdout:\n${this.#stdout}\nstderr:\n${this.#stderr}`);
    }
    return { code, stdout: this.#stdout, stderr: this.#stderr };
  }

  /** Sends a signal to this CLI process (and only it). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Starts `wxsocket <args>`; `input`, when given, is written to stdin and stdin closed. */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined> } = {},
  input?: string,
): CliProcess {
  const cli = new CliProcess(args, options.env ?? {});
  if (input !== undefined) {
    cli.write(input);
    cli.end();
  }
  return cli;
}

/** The JSON lines of an NDJSON output. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
