/**
 * Long run: 1,000,000 messages each way at once (`--quick`: 20,000) over one socket to a local server, text and
 * binary mixed, 0 to 256 bytes each, some text with multi-byte characters. Both sides check every message: in order,
 * exactly once, byte-exact and of the right type. Senders on both sides keep a bounded window of messages in flight
 * (the client through `send`'s success callback, as WeChat code does flow control), so memory stays bounded too.
 */
import type { WebSocket } from 'ws';
import { createWx } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import { activeResources, expectResourcesBack } from '../../test/helpers/leaks.js';
import { Progress, isPayload, mib, parseArguments, payload, startServer, verdict } from './common.js';

const NAME = 'messages';
const args = parseArguments({ full: 900, quick: 60 });
const count = args.quick ? 20_000 : 1_000_000;
/** Messages in flight per direction. */
const WINDOW = 256;
/** [ours] Resident memory must stay under this for the whole run. */
const RSS_BOUND = 512 * 1024 * 1024;
const CLIENT_TO_SERVER = 0;
const SERVER_TO_CLIENT = 1;

const failures: string[] = [];
const fail = (text: string) => {
  if (failures.length < 20) failures.push(text);
};
const baseline = activeResources();
const server = await startServer();
let serverReceived = 0;
let serverSent = 0;
let serverDone: () => void = () => undefined;
const serverFinished = new Promise<void>((resolve) => (serverDone = resolve));

server.wss.on('connection', (ws: WebSocket) => {
  ws.on('error', (error) => fail(`server socket: ${error.message}`));
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : data.toString('utf8');
    if (!isPayload(message, serverReceived, CLIENT_TO_SERVER))
      fail(`server: message ${serverReceived} wrong or out of order`);
    serverReceived += 1;
    if (serverReceived === count) serverDone();
  });
  let inFlight = 0;
  const pump = () => {
    while (inFlight < WINDOW && serverSent < count) {
      const data = payload(serverSent, SERVER_TO_CLIENT);
      serverSent += 1;
      inFlight += 1;
      ws.send(data, { binary: typeof data !== 'string' }, (error) => {
        inFlight -= 1;
        if (error) fail(`server send: ${error.message}`);
        else pump();
      });
    }
  };
  pump();
});

const progress = new Progress(NAME);
const wx = createWx({ platform: 'android' });
// TCP_NODELAY: with Nagle's algorithm (WeChat's default) a windowed stream of small messages stalls on delayed ACKs.
const task = wx.connectSocket({ url: server.url, tcpNoDelay: true }) as SocketTask;
let clientReceived = 0;
let clientSent = 0;
let clientAcknowledged = 0;
let peakRss = 0;
let clientDone: () => void = () => undefined;
const clientFinished = new Promise<void>((resolve) => (clientDone = resolve));
let closed: (result: { code: number; reason: string }) => void = () => undefined;
const taskClosed = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));

task.onMessage(({ data }) => {
  if (!isPayload(data, clientReceived, SERVER_TO_CLIENT))
    fail(`client: message ${clientReceived} wrong or out of order`);
  clientReceived += 1;
  if (clientReceived === count && clientAcknowledged === count) clientDone();
});
task.onError(({ errMsg }) => fail(`client onError: ${errMsg}`));
task.onClose((result) => closed(result));

function pump(): void {
  while (clientSent - clientAcknowledged < WINDOW && clientSent < count) {
    const data = payload(clientSent, CLIENT_TO_SERVER);
    clientSent += 1;
    void task.send({
      // An ArrayBuffer of exactly the message's bytes (the payload helper allocates one per message).
      data: typeof data === 'string' ? data : (data.buffer as ArrayBuffer),
      success: () => {
        clientAcknowledged += 1;
        if (clientReceived === count && clientAcknowledged === count) clientDone();
        pump();
      },
      fail: ({ errMsg }) => fail(`client send: ${errMsg}`),
    });
  }
}
task.onOpen(pump);

const started = Date.now();
const timer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  progress.report(
    `client sent ${clientSent} (acknowledged ${clientAcknowledged}), received ${clientReceived}; server received ${serverReceived}, sent ${serverSent}; rss ${mib(process.memoryUsage().rss)}`,
  );
}, 250);
let limitTimer: ReturnType<typeof setTimeout> | undefined;
const timedOut = new Promise<'timeout'>(
  (resolve) => (limitTimer = setTimeout(() => resolve('timeout'), args.timeLimitMs)),
);
const outcome = await Promise.race([Promise.all([clientFinished, serverFinished]), timedOut]);
clearTimeout(limitTimer);
clearInterval(timer);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
if (outcome === 'timeout') fail(`time limit of ${args.timeLimitMs / 1000} s reached`);
const seconds = (Date.now() - started) / 1000;
void task.close({ code: 1000, reason: 'done' });
let closeTimer: ReturnType<typeof setTimeout> | undefined;
const close = await Promise.race([
  taskClosed,
  new Promise<undefined>((resolve) => (closeTimer = setTimeout(() => resolve(undefined), 5000))),
]);
clearTimeout(closeTimer);
if (close?.code !== 1000) fail(`onClose ${JSON.stringify(close)}`);
await server.close();
await expectResourcesBack(baseline, 'after close').catch((error: Error) => fail(error.message));
if (clientReceived !== count || serverReceived !== count)
  fail(`lost messages: client got ${clientReceived}, server got ${serverReceived} of ${count}`);
if (peakRss > RSS_BOUND) fail(`peak rss ${mib(peakRss)} over ${mib(RSS_BOUND)}`);
verdict(
  NAME,
  failures,
  `${count} messages each way in ${seconds.toFixed(1)} s (${((2 * count) / seconds).toFixed(0)} msg/s), all in order and byte-exact; peak rss ${mib(peakRss)} (bound ${mib(RSS_BOUND)})`,
);
