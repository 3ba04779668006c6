/**
 * The build a benchmark run measures, and where its results go: the build of `src/` made for the run, or another
 * (`--library`, a proposed change, say), whose results stay out of the repository: the results files and the docs
 * are for `src/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BUILD_DIR, ROOT, buildLibrary } from './processes.js';

export interface LibraryUnderTest {
  /** The build's entry point (`node.js`). */
  readonly entry: string;
  /** Whether it is the build of `src/`, made for this run. */
  readonly ofSrc: boolean;
  /** How the results name it. */
  readonly label: string;
  /** The commit measured, marked when `src/` has uncommitted changes (which its build then includes). */
  readonly commit: string;
}

/** The build at `other`, or else `src/` built now. */
export async function libraryUnderTest(other: string | undefined): Promise<LibraryUnderTest> {
  const entry = other === undefined ? await buildLibrary() : resolve(other);
  if (!existsSync(entry)) throw new Error(`no library at ${entry}`);
  const ofSrc = other === undefined;
  return {
    entry,
    ofSrc,
    label: ofSrc ? 'src/ (scripts/build.mjs --esm-only)' : relative(ROOT, entry),
    commit: commitOf(ofSrc),
  };
}

function commitOf(ofSrc: boolean): string {
  const git = (...gitArgs: string[]): string => execFileSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    const dirty = ofSrc && git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/**
 * Checks a results file's name (`--out`) before minutes of measuring: the file is written at the end, into the
 * results folder.
 */
export function checkResultsName(name: string | undefined): void {
  if (name !== undefined && !/^[\w.-]+$/.test(name))
    throw new Error(`--out takes the results file's name, without a folder (letters, digits, '.', '_', '-'): ${name}`);
}

/** Writes a run's results as `<name>.json`: into `bench/results/` for the build of `src/`, else the benchmark's own. */
export function writeResults(library: LibraryUnderTest, name: string, results: object): void {
  const dir = library.ofSrc ? join(ROOT, 'bench', 'results') : BUILD_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 1)}\n`);
}
