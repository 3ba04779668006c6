/** The package version, read from the package.json that ships with the CLI (two folders up from this file). */
import { readFileSync } from 'node:fs';

/** `wxsocket`'s version, or `unknown` if its package.json cannot be read. */
export function packageVersion(): string {
  try {
    // dist/cli/version.js and src/cli/version.ts both sit two levels below the package root.
    const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
