#!/usr/bin/env node
/**
 * The `wxsocket` command line: a thin layer over the public API (`createWx`, the test server). Each command lives
 * in its own file; this one dispatches, prints help and the version, and turns bad arguments into exit code 2.
 * Guide: docs/cli.md.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ExitCode, UsageError } from './args.js';
import { HELP, type CommandName } from './help.js';
import { processIo, type Io } from './io.js';
import { packageVersion } from './version.js';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

/** Each command is loaded when run, so `--help`, `--version` and usage errors start fast. */
const COMMANDS: Readonly<Record<CommandName, () => Promise<Command>>> = {
  demo: async () => (await import('./demo.js')).runDemo,
  connect: async () => (await import('./connect.js')).runConnect,
  doctor: async () => (await import('./doctor.js')).runDoctor,
  serve: async () => (await import('./serve.js')).runServe,
};

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs the CLI with `argv` (the arguments after `wxsocket`). Resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.stderr.write(`wxsocket: which command? Start with 'wxsocket demo'.\n\n${HELP.top}`);
      return ExitCode.usage;
    }
    if (first === '--help' || first === '-h') {
      io.stdout.write(HELP.top);
      return ExitCode.ok;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${packageVersion()}\n`);
      return ExitCode.ok;
    }
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) io.stdout.write(HELP.top);
      else if (isCommand(topic)) io.stdout.write(HELP[topic]);
      else
        throw new UsageError(
          `no help for ${JSON.stringify(topic)}: the commands are ${Object.keys(COMMANDS).join(', ')}`,
        );
      return ExitCode.ok;
    }
    if (!isCommand(first)) {
      const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command ${JSON.stringify(first)}`;
      throw new UsageError(`${what}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
    }
    const command = await COMMANDS[first]();
    return await command(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const where = error.command === undefined ? 'wxsocket --help' : `wxsocket ${error.command} --help`;
    io.stderr.write(
      `wxsocket${error.command === undefined ? '' : ` ${error.command}`}: ${error.message}\nRun '${where}' for usage.\n`,
    );
    return ExitCode.usage;
  }
}

/** Whether this module is the program being run (`node dist/cli/main.js`, or the `wxsocket` bin link to it). */
function isProgram(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isProgram()) {
  // A closed pipe (`wxsocket demo | head`) ends the program quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
      throw error;
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Everything a command opened is closed by now; this only guards against a handle left behind by accident.
      setTimeout(() => process.exit(), 2_000).unref();
    },
    (error: unknown) => {
      process.stderr.write(
        `wxsocket: unexpected error: ${(error as Error)?.stack ?? String(error)}\nPlease report it.\n`,
      );
      process.exitCode = ExitCode.failed;
    },
  );
}
