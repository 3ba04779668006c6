// Spawning the built CLI: one build per change of src/ (shared by the CLI test files, which run in parallel
// processes, through a lock), then `runCli` for one-shot runs and `startCli` for interactive ones.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

const LOCK = join(tmpdir(), `wxsocket-cli-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const LOCK_WAIT_MS = 180_000;
const STALE_LOCK_MS = 180_000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  try {
    return statSync(CLI).mtimeMs >= newestSource(join(ROOT, 'src'));
  } catch {
    return false;
  }
}

/** Builds dist/ (`npm run build`) unless it is newer than every file in src/. Call it in a `before` hook. */
export async function buildCli(): Promise<void> {
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
    if (isFresh()) return;
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    // tsc still emits when another file has a type error; the CLI can be tested as long as it was emitted.
    if (!isFresh()) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    if (build.status !== 0) console.warn(`npm run build reported errors (the CLI was emitted):\n${build.stdout}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
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

/** A running CLI, driven through stdin and read through stdout. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  readonly #watchers = new Set<() => void>();
  readonly #exit: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string | undefined>) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: envWith(env) });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      for (const watcher of this.#watchers) watcher();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
      for (const watcher of this.#watchers) watcher();
    });
    this.#exit = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
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
        reject(new Error(`no ${pattern} in ${stream} after ${timeout} ms.\nstdout:\n${this.#stdout}\nstderr:\n${this.#stderr}`));
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
export function startCli(args: readonly string[], options: { env?: Record<string, string | undefined> } = {}, input?: string): CliProcess {
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
