/**
 * Long run: a slow reader. The server reads only a few milliseconds out of every 25, so the client's sends back up.
 * The client sends 512 MiB (`--quick`: 96 MiB) in 64 KiB binary messages and keeps at most 4 MiB unacknowledged,
 * using `send`'s success callback for flow control (it fires once the transport has handed the data to the network).
 * Passes when the window was full many times (backpressure really happened), every byte arrived in order, and resident
 * memory grew by less than a bound far below the amount sent: memory stays bounded however slow the reader.
 */
import type { WebSocket } from 'ws';
import { createWx } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import { activeResources, expectResourcesBack } from '../../test/helpers/leaks.js';
import { Progress, collectGarbage, mib, parseArguments, startServer, verdict } from './common.js';

const NAME = 'backpressure';
const args = parseArguments({ full: 600, quick: 60 });
const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const total = (args.quick ? 96 : 512) * MiB;
const chunks = total / CHUNK;
/** Unacknowledged bytes the client allows itself. */
const WINDOW = 4 * MiB;
/**
 * [ours] Bounds on memory growth over the run: live memory after a full GC (heap plus ArrayBuffers: the client's
 * window, the socket buffers, and whatever burst the server is reading at that moment: about 4 MiB here, and it does
 * not grow with the amount sent), and resident memory (which also holds what the allocator keeps).
 */
const LIVE_GROWTH_BOUND = 48 * MiB;
const RSS_GROWTH_BOUND = 128 * MiB;

/**
 * Heap and ArrayBuffer memory still reachable after a full collection. Twice, as `settledHeap` does: V8 frees the
 * ArrayBuffers a collection found dead while the program runs on, so right after one collection `arrayBuffers` may
 * still count them (tens of MiB of this run's 64 KiB messages on Node 24); the next collection finishes that first.
 */
function liveMemory(): number {
  collectGarbage();
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

const failures: string[] = [];
const fail = (text: string) => {
  if (failures.length < 20) failures.push(text);
};
const baseline = activeResources();
const server = await startServer({ maxPayload: CHUNK });
let received = 0;
let receivedBytes = 0;
let readerTimer: ReturnType<typeof setInterval> | undefined;
let serverSide: WebSocket | undefined;
let slowReading = true;

function chunk(sequence: number): Uint8Array {
  const bytes = new Uint8Array(CHUNK).fill(sequence & 0xff);
  new DataView(bytes.buffer).setUint32(0, sequence);
  return bytes;
}

server.wss.on('connection', (ws: WebSocket) => {
  serverSide = ws;
  ws.on('error', (error) => fail(`server socket: ${error.message}`));
  ws.on('message', (data: Buffer) => {
    if (!data.equals(chunk(received))) fail(`chunk ${received} wrong or out of order`);
    received += 1;
    receivedBytes += data.length;
  });
  // The slow reader: reads 3 ms out of every 25.
  ws.pause();
  readerTimer = setInterval(() => {
    ws.resume();
    setTimeout(() => {
      if (slowReading) ws.pause();
    }, 3);
  }, 25);
});

const liveAtStart = liveMemory();
const rssAtStart = process.memoryUsage().rss;
let peakRss = rssAtStart;
let peakLive = liveAtStart;
let samples = 0;
const progress = new Progress(NAME);
const wx = createWx();
const task = wx.connectSocket({ url: server.url }) as SocketTask;
let sent = 0;
let unacknowledged = 0;
let windowFull = 0;
let acknowledged = 0;
let done: () => void = () => undefined;
const finished = new Promise<void>((resolve) => (done = resolve));

function pump(): void {
  while (sent < chunks) {
    if (unacknowledged + CHUNK > WINDOW) {
      windowFull += 1;
      return; // wait for a success callback
    }
    unacknowledged += CHUNK;
    void task.send({
      data: chunk(sent).buffer as ArrayBuffer,
      success: () => {
        unacknowledged -= CHUNK;
        acknowledged += 1;
        if (acknowledged === chunks) done();
        else pump();
      },
      fail: ({ errMsg }) => fail(`send: ${errMsg}`),
    });
    sent += 1;
  }
}
task.onOpen(pump);
task.onError(({ errMsg }) => fail(`onError: ${errMsg}`));

const started = Date.now();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // A full collection every 500 ms, mid-stream: what is then still reachable is what the stream holds.
  if (++samples % 5 === 0) peakLive = Math.max(peakLive, liveMemory());
  progress.report(
    `sent ${mib(sent * CHUNK)}, acknowledged ${mib(acknowledged * CHUNK)}, read by the server ${mib(receivedBytes)}, window full ${windowFull} times, rss ${mib(process.memoryUsage().rss)}`,
  );
}, 100);
let limitTimer: ReturnType<typeof setTimeout> | undefined;
const outcome = await Promise.race([
  finished,
  new Promise<'timeout'>((resolve) => (limitTimer = setTimeout(() => resolve('timeout'), args.timeLimitMs))),
]);
clearTimeout(limitTimer);
if (outcome === 'timeout') fail(`time limit of ${args.timeLimitMs / 1000} s reached`);
// Let the reader finish what is in flight, then close.
const drainDeadline = Date.now() + 30_000;
while (received < chunks && Date.now() < drainDeadline && outcome !== 'timeout')
  await new Promise((resolve) => setTimeout(resolve, 20));
clearInterval(sampler);
clearInterval(readerTimer);
slowReading = false;
serverSide?.resume(); // reading normally again, so the closing handshake is answered
const seconds = (Date.now() - started) / 1000;
const closed = new Promise<{ code: number }>((resolve) => task.onClose(resolve));
void task.close({});
let closeTimer: ReturnType<typeof setTimeout> | undefined;
const close = await Promise.race([
  closed,
  new Promise<undefined>((resolve) => (closeTimer = setTimeout(() => resolve(undefined), 5000))),
]);
clearTimeout(closeTimer);
if (close?.code !== 1000) fail(`onClose ${JSON.stringify(close)}`);
await server.close();
await expectResourcesBack(baseline, 'after close').catch((error: Error) => fail(error.message));
if (received !== chunks) fail(`the server read ${received} of ${chunks} chunks`);
if (windowFull < 10) fail(`the window was full only ${windowFull} times: no real backpressure`);
const growth = peakRss - rssAtStart;
const liveGrowth = peakLive - liveAtStart;
const liveAtEnd = liveMemory() - liveAtStart;
if (samples < 10) fail('too few memory samples');
if (liveGrowth > LIVE_GROWTH_BOUND) fail(`live memory grew by ${mib(liveGrowth)} (bound ${mib(LIVE_GROWTH_BOUND)})`);
if (growth > RSS_GROWTH_BOUND) fail(`rss grew by ${mib(growth)} (bound ${mib(RSS_GROWTH_BOUND)})`);
verdict(
  NAME,
  failures,
  `${mib(total)} through a slow reader in ${seconds.toFixed(1)} s (${(total / MiB / seconds).toFixed(1)} MiB/s); window full ${windowFull} times; live memory after GC grew by ${mib(liveGrowth)} at most (bound ${mib(LIVE_GROWTH_BOUND)}) and by ${mib(liveAtEnd)} at the end, rss by ${mib(growth)} (bound ${mib(RSS_GROWTH_BOUND)})`,
);
