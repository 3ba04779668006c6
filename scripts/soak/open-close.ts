/**
 * Long run: open and close a socket again and again (10,000 cycles; `--quick`: 500), alternating the two profiles,
 * each cycle a full handshake and closing handshake against a local server. Passes when every cycle ended with one
 * onClose carrying the requested code, the heap after a full GC grew by less than the bound between the end of the
 * warm-up and the end of the run, and no socket or timer was left.
 */
import { createWx } from '../../src/node.js';
import type { SocketTask, Wx } from '../../src/types.js';
import { activeResources, expectResourcesBack } from '../../test/helpers/leaks.js';
import { Progress, mib, parseArguments, settledHeap, startServer, verdict } from './common.js';

const NAME = 'open-close';
const args = parseArguments({ full: 600, quick: 60 });
const cycles = args.quick ? 500 : 10_000;
const warmup = Math.round(cycles / 10);
/** [ours] The bound on heap growth over the measured cycles: 1 MiB, i.e. about 100 bytes per cycle at full size. */
const HEAP_BOUND = 1024 * 1024;

const baseline = activeResources();
const server = await startServer();
server.wss.on('connection', (ws) => ws.on('error', () => undefined));
const wxs: Wx[] = [
  createWx({ platform: 'android', maxConnections: 1 }),
  createWx({ platform: 'ios', maxConnections: 1 }),
];
const progress = new Progress(NAME);
const failures: string[] = [];
let heapAfterWarmup = 0;
let completed = 0;

function cycle(wx: Wx, index: number): Promise<void> {
  return new Promise((resolve) => {
    const code = 3000 + (index % 2000);
    const task = wx.connectSocket({
      url: server.url,
      fail: ({ errMsg }) => failures.push(`cycle ${index}: ${errMsg}`),
    }) as SocketTask;
    let closes = 0;
    task.onOpen(() => task.close({ code, reason: `cycle ${index}` }));
    task.onError(({ errMsg }) => failures.push(`cycle ${index}: onError ${errMsg}`));
    task.onClose((result) => {
      closes += 1;
      if (closes !== 1 || result.code !== code || result.reason !== `cycle ${index}`)
        failures.push(`cycle ${index}: onClose ${JSON.stringify(result)} (#${closes})`);
      resolve();
    });
  });
}

const started = Date.now();
for (let index = 0; index < cycles; index += 1) {
  if (Date.now() - started > args.timeLimitMs) {
    failures.push(`time limit of ${args.timeLimitMs / 1000} s reached after ${index} cycles`);
    break;
  }
  await cycle(wxs[index % 2]!, index);
  completed += 1;
  if (failures.length > 10) break;
  if (index + 1 === warmup) heapAfterWarmup = settledHeap();
  progress.report(`${completed}/${cycles} cycles, heap ${mib(process.memoryUsage().heapUsed)}`);
}
const heapAtEnd = settledHeap();
await server.close();
await expectResourcesBack(baseline, 'after close').catch((error: Error) => failures.push(error.message));
const growth = heapAtEnd - heapAfterWarmup;
if (completed === cycles && growth > HEAP_BOUND)
  failures.push(`heap grew by ${mib(growth)} over ${cycles - warmup} cycles (bound ${mib(HEAP_BOUND)})`);
const seconds = (Date.now() - started) / 1000;
verdict(
  NAME,
  failures,
  `${completed} cycles in ${seconds.toFixed(1)} s (${(completed / seconds).toFixed(0)}/s); heap after warm-up ${mib(heapAfterWarmup)}, at end ${mib(heapAtEnd)}, growth ${mib(growth)} (bound ${mib(HEAP_BOUND)})`,
);
