#!/usr/bin/env node
// The Artillery engine as users run it: packs wxsocket and artillery-engine-wxsocket, installs the engine from its
// tarball into a clean directory (as a distributed worker installs it by name), and runs the latest Artillery on it
// against `wxsocket serve`, checking Artillery's exit status and the counters of its JSON report, once for a
// scenario that passes its `ensure` checks and once for one that must fail them.
//
// Artillery (cached outside the clone, run on Node 24) and the packed packages come from scripts/artillery-kit.mjs.
// Skipped, with a message, only when the npm registry cannot be reached and no Artillery is cached.
//
// Usage: node scripts/test-artillery.mjs [--keep]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedArtillery, installPackedEngine, root, run } from './artillery-kit.mjs';
import { node24 } from './node24.mjs';

const WHO = 'test-artillery';
const VUSERS = 10;
const ROUNDS = 3;
const keep = process.argv.includes('--keep');
const results = [];

function check(name, passed, detail = '') {
  results.push({ name, passed });
  console.log(`${passed ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
}

// 1. Artillery, from the cache (installed first when the registry has a newer one); without the registry, the newest
// one cached, or a skip when there is none.
const artilleryFound = cachedArtillery(WHO);
if (artilleryFound === undefined) {
  console.log(`${WHO}: skipped`);
  process.exit(0);
}
const artilleryBin = artilleryFound.bin;
const node = node24(WHO);

const work = mkdtempSync(join(tmpdir(), 'wxsocket-artillery-'));
let server;
try {
  // 2. Both packages packed, and the engine installed from its tarball in a clean directory.
  const worker = join(work, 'worker');
  const workerModules = installPackedEngine(WHO, work, worker);

  // 3. The server: `wxsocket serve` from the installed package, echoing, its log as JSON lines.
  server = await startServer(node, join(workerModules, 'wxsocket', 'dist', 'cli', 'main.js'));
  writeFileSync(
    join(worker, 'processor.cjs'),
    `module.exports = {\n  checkWx(context, events, next) {\n` +
      `    events.emit('counter', 'test.wx_seen', typeof context.wx.connectSocket === 'function' ? 1 : 0);\n` +
      `    next();\n  },\n};\n`,
  );

  // 4. A scenario that passes its checks, then one whose expect cannot match.
  const passing = artillery(node, worker, 'passing', server.url, { '$.type': 'echo' });
  check('artillery exits with 0 when the checks pass', passing.status === 0, `exit ${passing.status}`);
  const counters = passing.report?.aggregate.counters ?? {};
  const summaries = passing.report?.aggregate.summaries ?? {};
  const expected = {
    'vusers.created': VUSERS,
    'vusers.completed': VUSERS,
    'wx.connections_opened': VUSERS,
    'wx.messages_sent': VUSERS * ROUNDS,
    'wx.messages_received': VUSERS * ROUNDS,
    'wx.close_code.4000': VUSERS,
    'test.wx_seen': VUSERS,
  };
  for (const [name, value] of Object.entries(expected))
    check(`report: ${name} = ${value}`, counters[name] === value, `got ${counters[name]}`);
  const platforms = (counters['wx.platform.android'] ?? 0) + (counters['wx.platform.ios'] ?? 0);
  check(`report: wx.platform.* add up to ${VUSERS}`, platforms === VUSERS, `got ${platforms}`);
  const errors = Object.keys(counters).filter((name) => name.startsWith('errors.'));
  check('report: no errors', errors.length === 0 && !counters['vusers.failed'], errors.join(', '));
  check('report: wx.connect_time per connection', summaries['wx.connect_time']?.count === VUSERS);
  check('report: wx.message_latency.echo per expect', summaries['wx.message_latency.echo']?.count === VUSERS * ROUNDS);

  const failing = artillery(node, worker, 'failing', server.url, { '$.type': 'never' });
  check('artillery exits with 1 when a check fails', failing.status === 1, `exit ${failing.status}`);
  const failed = failing.report?.aggregate.counters ?? {};
  check(
    'report: errors.expect_mismatch per virtual user',
    failed['errors.expect_mismatch'] === VUSERS,
    `got ${failed['errors.expect_mismatch']}`,
  );
  check('report: vusers.failed per virtual user', failed['vusers.failed'] === VUSERS, `got ${failed['vusers.failed']}`);

  // 5. Every connection the engine opened was closed (the server saw as many closes as opens).
  const log = await server.stop();
  const opens = log.filter((entry) => entry.type === 'open').length;
  const closes = log.filter((entry) => entry.type === 'close').length;
  check('every connection was closed', opens === 2 * VUSERS && closes === opens, `${opens} opened, ${closes} closed`);

  // 6. examples/artillery, each scenario in its one command (run.mjs starts and stops its own server).
  const example = join(worker, 'example');
  cpSync(join(root, 'examples', 'artillery'), example, {
    recursive: true,
    filter: (path) => !path.includes('node_modules'),
  });
  const exampleEnv = {
    NODE_PATH: workerModules,
    ARTILLERY_BIN: artilleryBin,
    ARTILLERY_DISABLE_TELEMETRY: 'true',
  };
  const chat = run(node, ['run.mjs', 'chat.yml', '--', '--output', 'chat.json'], example, exampleEnv);
  const chatCounters = readReport(join(example, 'chat.json'))?.aggregate.counters ?? {};
  check('example chat.yml passes its checks', chat === 0 && chatCounters['vusers.completed'] > 0, `exit ${chat}`);
  const storm = run(
    node,
    ['run.mjs', 'reconnect-storm.yml', '--restart-after', '6', '--', '--output', 'storm.json'],
    example,
    exampleEnv,
  );
  const stormCounters = readReport(join(example, 'storm.json'))?.aggregate.counters ?? {};
  check(
    'example reconnect-storm.yml: every virtual user reconnected after the restart',
    storm === 0 && stormCounters['wx.reconnects'] === stormCounters['vusers.created'],
    `exit ${storm}, ${stormCounters['wx.reconnects']} reconnects of ${stormCounters['vusers.created']} users`,
  );
  const commute = run(node, ['run.mjs', 'commute.yml', '--', '--output', 'commute.json'], example, exampleEnv);
  const commuteCounters = readReport(join(example, 'commute.json'))?.aggregate.counters ?? {};
  check(
    'example commute.yml: at least three reconnections per virtual user (network switch, offline, background)',
    commute === 0 && commuteCounters['wx.reconnects'] >= 3 * commuteCounters['vusers.created'],
    `exit ${commute}, ${commuteCounters['wx.reconnects']} reconnects of ${commuteCounters['vusers.created']} users`,
  );
} finally {
  server?.kill();
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const passed = results.filter((result) => result.passed).length;
console.log(`\n${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);

/** Runs one Artillery test in the worker directory; returns its exit status and JSON report. */
function artillery(node, worker, name, url, match) {
  const script = join(worker, `${name}.yml`);
  writeFileSync(
    script,
    [
      'config:',
      `  target: ${JSON.stringify(url)}`,
      `  phases: [{ duration: 2, arrivalCount: ${VUSERS} }]`,
      '  processor: ./processor.cjs',
      '  engines:',
      '    wxsocket: { platform: { android: 50, ios: 50 }, SDKVersion: 3.6.0, appid: wxintegration, timeout: 10 }',
      '  plugins:',
      '    ensure:',
      '      thresholds: [{ wx.connect_time.p95: 5000 }]',
      '      conditions: [{ expression: vusers.failed == 0 }]',
      'scenarios:',
      `  - name: ${name}`,
      '    engine: wxsocket',
      '    flow:',
      "      - connect: '{{ target }}/integration'",
      '      - function: checkWx',
      '      - loop:',
      "          - send: { type: echo, n: '{{ $loopCount }}' }",
      `          - expect: { json: ${JSON.stringify(match)}, name: echo }`,
      `        count: ${ROUNDS}`,
      '      - close: { code: 4000, reason: done }',
      '',
    ].join('\n'),
  );
  const report = join(worker, `${name}.json`);
  // Artillery looks engines up by package name from where it is installed; NODE_PATH adds the worker's packages,
  // as installing both into one directory would.
  const status = run(node, [artilleryBin, 'run', '--output', report, script], worker, {
    NODE_PATH: join(worker, 'node_modules'),
    ARTILLERY_DISABLE_TELEMETRY: 'true',
  });
  return { status, report: readReport(report) };
}

function readReport(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** Starts `wxsocket serve --json` and resolves once it listens, with its URL, its log and a way to stop it. */
function startServer(node, cli) {
  const child = spawn(node, [cli, 'serve', '--port', '0', '--mode', 'echo', '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log = [];
  let buffered = '';
  let onListening;
  const listening = new Promise((resolve, reject) => {
    onListening = resolve;
    child.once('exit', (code) => reject(new Error(`wxsocket serve exited with ${code} before listening`)));
    setTimeout(() => reject(new Error('wxsocket serve did not listen within 30 s')), 30_000).unref();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line);
      log.push(entry);
      if (entry.type === 'listening') onListening(entry.url);
    }
  });
  return listening.then((url) => ({
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return log;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  }));
}
