/**
 * The streams and environment a command runs with. `main` passes the process's; keeping them in one object makes
 * each command's inputs and outputs explicit.
 */
import { createStyle, type Style } from './style.js';

/** What a command reads from and writes to. */
export interface Io {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined; setRawMode?: unknown };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean | undefined; columns?: number | undefined };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean | undefined; columns?: number | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Styles for stdout and stderr, each decided for its own stream. */
export function stylesOf(io: Io): { out: Style; err: Style } {
  return {
    out: createStyle({ isTTY: io.stdout.isTTY, env: io.env }),
    err: createStyle({ isTTY: io.stderr.isTTY, env: io.env }),
  };
}

/** Columns to lay out for: the terminal's, or 100 for pipes and files. */
export function widthOf(stream: Io['stdout']): number {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : 100;
}
