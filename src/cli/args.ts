/**
 * Argument parsing for every command, over `node:util` `parseArgs` (strict: unknown options and missing values are
 * errors). A bad argument throws a {@link UsageError}: `main` prints it with what to do and exits with code 2.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { MAX_TIMER_DELAY } from '../option-keys.js';

/** Exit codes of every command. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** A bad command line. The message says what was wrong; `main` adds where to find the right usage. */
export class UsageError extends Error {
  readonly code = 'WXSOCKET_CLI_USAGE';
  override readonly name = 'UsageError';

  /** `command` is the command whose `--help` to point to, or `undefined` for the top level. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** One option of a command, as `parseArgs` takes it, plus the placeholder shown in help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? O[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : O[K]['multiple'] extends true
      ? string[]
      : string;
};

/** The parsed command line of one command. */
interface ParsedArgs<O extends Record<string, OptionSpec>> {
  readonly values: Values<O>;
  readonly positionals: string[];
}

/**
 * Parses `argv` (the arguments after the command name) against `options`. `--help`/`-h` is added to every command.
 * Throws a {@link UsageError} naming the bad option.
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(
  command: string,
  argv: readonly string[],
  options: O,
  maxPositionals: number,
): ParsedArgs<O & { help: { type: 'boolean'; short: 'h' } }> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
  if (parsed.values['help'] !== true && parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals];
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, command);
  }
  return parsed as ParsedArgs<O & { help: { type: 'boolean'; short: 'h' } }>;
}

/** `parseArgs`'s errors, reworded: they say what was wrong; `main` adds where to look. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message?.includes('does not take an argument')) return `option ${option} takes no value`;
      if (message?.includes('ambiguous'))
        return `option ${option} needs a value; for one starting with "-", write ${option}=-…`;
      return `option ${option} needs a value`;
    default:
      return message ?? String(error);
  }
}

/** Reads a whole number of milliseconds (`--timeout 5000`). */
export function parseMilliseconds(flag: string, value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  // At most what a timer can wait: a longer one fires at once.
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TIMER_DELAY) {
    throw new UsageError(
      `${flag} wants a whole number of milliseconds from 1 to ${MAX_TIMER_DELAY}, got ${JSON.stringify(value)}`,
      command,
    );
  }
  return Number(value);
}

/** Reads a whole number in a range (`--wait 2`, `--port 8080`). */
export function parseWhole(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} wants a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, command);
  }
  return Number(value);
}

/** Reads `--header name:value` options into a header object (the value is trimmed; a later name wins). */
export function parseHeaders(
  flag: string,
  entries: readonly string[] | undefined,
  command: string,
): Record<string, string> {
  const header: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const colon = entry.indexOf(':');
    const name = colon === -1 ? '' : entry.slice(0, colon).trim();
    if (name === '')
      throw new UsageError(
        `${flag} wants name:value, e.g. ${flag} "Authorization: Bearer abc", got ${JSON.stringify(entry)}`,
        command,
      );
    Object.defineProperty(header, name, {
      value: entry.slice(colon + 1).trim(),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return header;
}

/**
 * Reads `--resolve host:address` options (like curl's `--resolve`, without the port): the host names to reach at a
 * fixed address, for `wsTransport({hosts})`. The address may be IPv4 or IPv6 (`chat.example.test:::1`).
 */
export function parseResolve(entries: readonly string[] | undefined, command: string): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const colon = entry.indexOf(':');
    const host = colon === -1 ? '' : entry.slice(0, colon).trim().toLowerCase();
    const address = entry
      .slice(colon + 1)
      .trim()
      .replace(/^\[(.*)\]$/, '$1');
    if (host === '' || isIP(address) === 0) {
      throw new UsageError(
        `--resolve wants host:address with an IP address and no port, e.g. --resolve chat.example.test:127.0.0.1, got ${JSON.stringify(entry)}`,
        command,
      );
    }
    hosts[host] = address;
  }
  return hosts;
}

/** Reads `--platform`. */
export function parsePlatform(value: string | undefined, command: string): 'android' | 'ios' | undefined {
  if (value === undefined || value === 'android' || value === 'ios') return value;
  throw new UsageError(`--platform is android or ios, got ${JSON.stringify(value)}`, command);
}
