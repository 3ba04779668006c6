/**
 * The handshake timeouts on Node (contract §1, src/deadlines.ts): deadlines of one delay share one timer, and still
 * each connection times out on its own deadline, a connection that opens is never timed out, and a process holds no
 * timer once no connection waits.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cancel, deadline } from '../src/deadlines.js';
import { createWx } from '../src/node.js';
import { runTask } from './testing/wx-run.js';
import { serversClosedAfter } from './helpers/servers.js';

const start = serversClosedAfter();

describe('deadlines of the same delay share a timer', () => {
  test('each expires once, in the order set; a cancelled one never does', async () => {
    const expired: number[] = [];
    const all = new Promise<void>((resolve) => {
      const entries = Array.from({ length: 5 }, (_, index) =>
        deadline(() => {
          expired.push(index);
          if (index === 4) resolve();
        }, 30),
      );
      cancel(entries[1]);
      cancel(entries[1]); // a second cancel does nothing
    });
    await all;
    assert.deepEqual(expired, [0, 2, 3, 4]);
  });

  test('a deadline set after the timer was armed, with a shorter delay, does not wait for the longer one', async () => {
    const expired: string[] = [];
    await new Promise<void>((resolve) => {
      deadline(() => {
        expired.push('long');
        resolve();
      }, 300);
      deadline(() => expired.push('short'), 20);
    });
    assert.deepEqual(expired, ['short', 'long']);
  });

  test('an expiry that throws reaches the process as uncaught, and the later deadlines of its delay still expire', async () => {
    const deadlines = fileURLToPath(new URL('../src/deadlines.ts', import.meta.url));
    const script = `
      import { deadline } from ${JSON.stringify(deadlines)};
      process.on('uncaughtException', (error) => console.log('uncaught ' + error.message));
      deadline(() => { throw new Error('first'); }, 20);
      deadline(() => console.log('second'), 20);`;
    const { output, code } = await runChild(script);
    assert.deepEqual(output.trim().split('\n'), ['uncaught first', 'second']);
    assert.equal(code, 0);
  });

  test('an expiry that sets a new deadline of the same delay gets it', async () => {
    const expired: string[] = [];
    await new Promise<void>((resolve) => {
      deadline(() => {
        expired.push('first');
        deadline(() => {
          expired.push('second');
          resolve();
        }, 25);
      }, 25);
    });
    assert.deepEqual(expired, ['first', 'second']);
  });
});

describe('§1 handshake timeouts, many connections at once', () => {
  test('20 connections to a server that never answers time out, each once; one that opens meanwhile does not', async () => {
    const silent = await start({ fault: { type: 'no-upgrade-response' } });
    const answering = await start();
    const wx = createWx({ maxConnections: 50 });
    const stalled = Array.from({ length: 20 }, () => runTask(wx, { url: silent.url, timeout: 150 }));
    const opened = runTask(wx, { url: answering.url, timeout: 150 });
    await opened.opened;
    for (const run of stalled) {
      const events = await run.closed;
      assert.deepEqual(
        events.map((event) => event.event),
        ['error', 'close'],
      );
      const [failure] = events;
      assert.ok(failure?.event === 'error' && failure.errMsg.includes('Timer Expired'), JSON.stringify(failure));
    }
    // Well past its deadline, the open connection still is: close it ourselves.
    void opened.task.close({});
    assert.deepEqual(
      (await opened.closed).map((event) => event.event),
      ['open', 'close'],
    );
  });

  test('a process whose only connection opened and closed exits without waiting for the 60 s timeout', async () => {
    const node = fileURLToPath(new URL('../src/node.ts', import.meta.url));
    const script = `
      import { WebSocketServer } from 'ws';
      import { createWx } from ${JSON.stringify(node)};
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      server.on('listening', () => {
        const task = createWx().connectSocket({ url: 'ws://127.0.0.1:' + server.address().port });
        task.onOpen(() => task.close({}));
        task.onClose(() => server.close(() => console.log('closed')));
      });`;
    // A timer left holding the loop would keep the child for 60 s (runChild stops it after 30).
    const { output, code } = await runChild(script);
    assert.equal(output.trim(), 'closed');
    assert.equal(code, 0);
  });
});

/** Runs an ES module script in a child Node (with tsx), for at most 30 s: what it printed, and its exit. */
async function runChild(script: string): Promise<{ output: string; code: unknown }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const watchdog = setTimeout(() => child.kill(), 30_000);
  const code = await new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal)));
  clearTimeout(watchdog);
  return { output, code };
}
