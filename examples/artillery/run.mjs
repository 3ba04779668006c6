#!/usr/bin/env node
// Runs one of the scenarios against a local `wxsocket serve`, in one command: starts the server on a free port,
// runs Artillery on the scenario with that server as its target, stops the server, and exits with Artillery's
// status (1 when an `ensure` check failed).
//
// Usage: node run.mjs [scenario.yml] [--restart-after <seconds>] [-- <more artillery run options>]
//   --restart-after: that many seconds after the first virtual user connected, stops the server and starts it again
//   on the same port (reconnect storms).
// Artillery is the one installed beside this file (npm install), or the `run` script named by $ARTILLERY_BIN.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const [own, extra] = splitArgs(process.argv.slice(2));
const scenario = own.find((arg) => arg.endsWith('.yml')) ?? 'chat.yml';
const restartAt = own.indexOf('--restart-after');
const restartAfter = restartAt === -1 ? undefined : Number(own[restartAt + 1]);
if (restartAfter !== undefined && !(restartAfter > 0)) fail('--restart-after takes a number of seconds above 0');

// `wxsocket serve` from the wxsocket package the engine depends on.
const serveCli = join(dirname(require.resolve('wxsocket/package.json')), 'dist', 'cli', 'main.js');
const artilleryBin =
  process.env.ARTILLERY_BIN ?? join(dirname(require.resolve('artillery/package.json')), 'bin', 'run');

let restart;
const restartLater = () => {
  restart ??= setTimeout(async () => {
    console.log(`wxsocket serve: restarting (${restartAfter} s after the first connection)`);
    await server.stop();
    server = await serve(Number(port));
    console.log(`wxsocket serve: back on ${server.url}`);
  }, restartAfter * 1000);
};
let server = await serve(0, restartAfter === undefined ? undefined : restartLater);
const port = new URL(server.url).port;
console.log(`wxsocket serve: ${server.url}`);

const artillery = spawn(
  process.execPath,
  [artilleryBin, 'run', '--target', server.url, ...extra, join(here, scenario)],
  {
    cwd: here,
    stdio: 'inherit',
  },
);
const status = await new Promise((resolve) => artillery.once('exit', (code) => resolve(code ?? 1)));
clearTimeout(restart);
await server.stop();
process.exit(status);

/** Starts `wxsocket serve` on `port` (0: a free one); resolves once it listens. `onOpen`: called per connection. */
function serve(port, onOpen) {
  const child = spawn(process.execPath, [serveCli, 'serve', '--port', String(port), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (line.includes('"type":"open"')) onOpen?.();
        if (!line.includes('"listening"')) continue;
        const { url } = JSON.parse(line);
        resolve({
          url,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`wxsocket serve exited with ${code} before listening`)));
  });
}

function splitArgs(args) {
  const dash = args.indexOf('--');
  return dash === -1 ? [args, []] : [args.slice(0, dash), args.slice(dash + 1)];
}

function fail(message) {
  console.error(`run.mjs: ${message}`);
  process.exit(2);
}
