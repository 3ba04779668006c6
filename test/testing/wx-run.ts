// Drives one wx SocketTask against a test server and records every event in order, with its payload.
import type { SocketTask, Wx } from '../../src/node.js';
import type { ConnectSocketOption } from '../../src/node.js';

export type WxEvent =
  | { event: 'open' }
  | { event: 'message'; data: string | ArrayBuffer }
  | { event: 'error'; errMsg: string; errCode?: number }
  | { event: 'close'; code: number; reason: string };

export interface WxRun {
  readonly task: SocketTask;
  readonly events: WxEvent[];
  /** Resolves with the first open, or rejects when the task ends without opening. */
  readonly opened: Promise<void>;
  /** Resolves with every event once onClose (the terminal event) has fired. */
  readonly closed: Promise<WxEvent[]>;
}

export function runTask(wx: Wx, options: ConnectSocketOption): WxRun {
  const task = wx.connectSocket(options);
  const events: WxEvent[] = [];
  let resolveOpened: () => void = () => undefined;
  let rejectOpened: (error: Error) => void = () => undefined;
  const opened = new Promise<void>((resolve, reject) => {
    resolveOpened = resolve;
    rejectOpened = reject;
  });
  opened.catch(() => undefined);
  const closed = new Promise<WxEvent[]>((resolve) => {
    task.onOpen(() => {
      events.push({ event: 'open' });
      resolveOpened();
    });
    task.onMessage(({ data }) => events.push({ event: 'message', data }));
    task.onError((result) => {
      const { errMsg, errCode } = result as { errMsg: string; errCode?: number };
      events.push(errCode === undefined ? { event: 'error', errMsg } : { event: 'error', errMsg, errCode });
    });
    task.onClose(({ code, reason }) => {
      events.push({ event: 'close', code, reason });
      rejectOpened(new Error(`closed before open: ${JSON.stringify(events)}`));
      resolve(events);
    });
  });
  return { task, events, opened, closed };
}
