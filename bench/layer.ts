/**
 * The wx layer alone: wxsocket over a transport that does nothing, so that what is left is the cost of the layer
 * itself (option checks, result objects, dispatch), with no network and no `ws`. Meant to be run under callgrind by
 * `instructions.ts`: `node --single-threaded layer.mjs <operation> <count> <library>`.
 *
 * Operations run in batches of 1,000 from a function called again and again, so that V8 optimises it as it would
 * an application's code rather than through on-stack replacement of one long loop.
 */
import { pathToFileURL } from 'node:url';
import type * as Library from '../src/node.js';
import type { SocketTask } from '../src/node.js';
import type { SocketProfile, Transport, TransportHandlers } from '../src/transport.js';

type LayerOperation = 'send-text' | 'send-binary' | 'send-success' | 'receive-text' | 'receive-binary' | 'open-close';

const BATCH = 1000;
/** Connections opened and closed per batch: each is far costlier than a message. */
const CONNECTIONS_PER_BATCH = 10;
const PROFILE: SocketProfile = {
  fetchStart: 0,
  domainLookUpStart: 0,
  domainLookUpEnd: 0,
  connectStart: 0,
  connectEnd: 0,
  rtt: 0,
  handshakeCost: 0,
  cost: 0,
};

const [operation, countText, libraryPath] = process.argv.slice(2) as [LayerOperation, string, string | undefined];
if (!libraryPath) throw new Error('usage: layer.mjs <operation> <count> <library>');
const perBatch = operation === 'open-close' ? CONNECTIONS_PER_BATCH : BATCH;
const batches = Math.ceil(Number(countText) / perBatch);
const { createWx } = (await import(pathToFileURL(libraryPath).href)) as typeof Library;

/** The handlers of the latest connection, to deliver messages as a transport would. */
let handlers: TransportHandlers | undefined;
/** Opens on the next turn, completes sends on a microtask as `ws` does later, closes on the next turn. */
const nullTransport: Transport = (_request, connectionHandlers) => {
  handlers = connectionHandlers;
  setImmediate(() => connectionHandlers.onOpen({}, PROFILE));
  return {
    send: (_data, done) => void (done && queueMicrotask(() => done())),
    close: (code, reason) => void setImmediate(() => connectionHandlers.onClose(code, reason)),
    abort: () => {},
    bufferedAmount: 0,
  };
};
const wx = createWx({ transport: nullTransport, maxConnections: 1_000_000 });

/** Bytes received, so that no listener's work can be optimised away. */
let received = 0;
let completed = 0;

function open(): Promise<SocketTask> {
  return new Promise((resolve, reject) => {
    const task = wx.connectSocket({ url: 'ws://127.0.0.1:9' });
    task.onMessage(({ data }) => void (received += typeof data === 'string' ? data.length : data.byteLength));
    task.onError((result) => reject(new Error(result.errMsg)));
    task.onClose(() => {});
    task.onOpen(() => resolve(task));
  });
}

const text = 'x'.repeat(32);
const binary = new ArrayBuffer(32);
const success = (): void => void completed++;

const batchOf: Record<LayerOperation, (task: SocketTask) => Promise<void> | void> = {
  'send-text': (task) => {
    for (let i = 0; i < BATCH; i++) void task.send({ data: text });
  },
  'send-binary': (task) => {
    for (let i = 0; i < BATCH; i++) void task.send({ data: binary });
  },
  'send-success': async (task) => {
    for (let i = 0; i < BATCH; i++) void task.send({ data: text, success });
    await null; // the completions run
  },
  'receive-text': () => {
    for (let i = 0; i < BATCH; i++) handlers!.onMessage(text);
  },
  'receive-binary': () => {
    for (let i = 0; i < BATCH; i++) handlers!.onMessage(binary);
  },
  'open-close': async () => {
    for (let i = 0; i < CONNECTIONS_PER_BATCH; i++) {
      const task = await open();
      await new Promise<void>((resolve) => {
        task.onClose(() => resolve());
        void task.close({ code: 1000 });
      });
    }
  },
};

const run = batchOf[operation];
if (!run) throw new Error(`unknown operation ${operation}`);
const task = await open();
for (let b = 0; b < batches; b++) await run(task);
process.stdout.write(`${JSON.stringify({ operation, operations: batches * perBatch, received, completed })}\n`);
