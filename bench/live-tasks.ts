/**
 * How one `wx` object scales with its number of sockets: the CPU time per `connectSocket` and per close when n
 * sockets are open at once on one `wx` (`maxConnections: Infinity`, as a test server's client or a load generator
 * may use it), for n from 5,000 to 40,000. The transport is one that connects nothing, so only the `wx` object's own
 * bookkeeping is measured. A constant cost per socket means linear work; with the copy-on-write array it replaced
 * (a new array per socket opened and per socket ended), the cost per socket grew with n: 40,000 sockets took
 * about 32 s to open.
 *
 * Usage: `node --import tsx bench/live-tasks.ts` (a few seconds).
 */
import { createWx } from '../src/node.js';
import type { SocketTask, Transport } from '../src/public.js';
import { cpuNanoseconds, formatNumber, summarize } from './stats.js';

const SIZES = [5_000, 10_000, 20_000, 40_000];
const ROUNDS = 3;

/** Connects nothing and ends each connection when asked, as a transport must (§2). */
const idle: Transport = (_request, handlers) => ({
  send: () => undefined,
  close: () => handlers.onClose(1000, ''),
  abort: () => undefined,
  bufferedAmount: 0,
});

/**
 * Opens n sockets on one wx, then closes them all, in the order they were opened, until each has reported its
 * close: nanoseconds of CPU time per socket for each half.
 */
async function round(n: number): Promise<{ open: number; close: number }> {
  const wx = createWx({ maxConnections: Infinity, urlCheck: false, transport: idle });
  const tasks: SocketTask[] = [];
  let start = process.cpuUsage();
  for (let i = 0; i < n; i += 1) tasks.push(wx.connectSocket({ url: 'ws://127.0.0.1:9/' }));
  const open = cpuNanoseconds(start) / n;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    for (const task of tasks) task.onClose(() => (closed += 1) === n && resolve());
  });
  start = process.cpuUsage();
  for (const task of tasks) void task.close({});
  await allClosed;
  const close = cpuNanoseconds(start) / n;
  return { open, close };
}

console.log('sockets on one wx | open, ns per socket | close, ns per socket | growth of open over 5,000');
let base: number | undefined;
for (const n of SIZES) {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i += 1) rounds.push(await round(n));
  const open = summarize(rounds.map((r) => r.open)).median;
  const close = summarize(rounds.map((r) => r.close)).median;
  base ??= open;
  console.log(`${formatNumber(n)} | ${formatNumber(open)} | ${formatNumber(close)} | ${(open / base).toFixed(2)}`);
}
