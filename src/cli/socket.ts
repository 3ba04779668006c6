/**
 * The socket `connect` drives, through WeChat's API: a `SocketTask` from base library 1.7.0, else the global API
 * (`wx.onSocket*`, `wx.sendSocketMessage`, `wx.closeSocket`), which is all older versions have (contract §4).
 * Every call is put on the timeline before it is made, and every callback and listener as it is delivered.
 */
import type { Wx } from '../node.js';
import type { Timeline } from './timeline.js';

/** What the session learns from the socket's events (after they are on the timeline). */
interface SocketHandlers {
  /** `wx.connectSocket` called `fail`: its arguments were refused (§1 failures 1-3). */
  onConnectFailed(result: { errMsg: string }): void;
  onOpen(result: { header: Record<string, string>; profile?: Record<string, number> }): void;
  onMessage(result: { data: string | ArrayBuffer }): void;
  onError(result: { errMsg: string }): void;
  onClose(result: { code: number; reason: string }): void;
}

/** Sending and closing, whichever API is underneath. */
export interface CliSocket {
  send(data: string | ArrayBuffer): void;
  /** Closes; `onFail` runs when WeChat refuses (a bad code or reason, not connected). */
  close(options: { code?: number; reason?: string }, onFail?: (result: unknown) => void): void;
}

/** Calls `wx.connectSocket` with `request` and wires its events to the timeline and `handlers`. */
export function openSocket(wx: Wx, timeline: Timeline, request: object, handlers: SocketHandlers): CliSocket {
  const deliver = (name: string, then?: (result: never) => void) => (result: unknown) => {
    timeline.deliver(name.includes('.on') ? 'listener' : 'callback', name, result);
    then?.(result as never);
  };
  const callbacks = (api: string, onFail?: (result: unknown) => void) => ({
    success: deliver(`${api}.success`),
    fail: deliver(`${api}.fail`, onFail),
  });

  const legacy = !wx.canIUse('SocketTask');
  const connect = {
    ...request,
    ...callbacks('wx.connectSocket', (result) => handlers.onConnectFailed(result as { errMsg: string })),
  };
  timeline.call('wx.connectSocket', connect);
  const task = wx.connectSocket(connect as Parameters<Wx['connectSocket']>[0]);

  if (legacy) {
    wx.onSocketOpen(deliver('wx.onSocketOpen', handlers.onOpen));
    wx.onSocketMessage(deliver('wx.onSocketMessage', handlers.onMessage));
    wx.onSocketError(deliver('wx.onSocketError', handlers.onError));
    wx.onSocketClose(deliver('wx.onSocketClose', handlers.onClose));
    return {
      send: (data) => {
        const options = { data, ...callbacks('wx.sendSocketMessage') };
        timeline.call('wx.sendSocketMessage', options);
        wx.sendSocketMessage(options);
      },
      close: (close, onFail) => {
        const options = { ...close, ...callbacks('wx.closeSocket', onFail) };
        timeline.call('wx.closeSocket', options);
        wx.closeSocket(options);
      },
    };
  }
  // No task: the arguments were refused, and `fail` (already scheduled) ends the session.
  if (task === undefined)
    return { send: () => undefined, close: (_close, onFail) => onFail?.({ errMsg: 'closeSocket:fail no socket' }) };
  task.onOpen(deliver('task.onOpen', handlers.onOpen));
  task.onMessage(deliver('task.onMessage', handlers.onMessage));
  task.onError(deliver('task.onError', handlers.onError));
  task.onClose(deliver('task.onClose', handlers.onClose));
  return {
    send: (data) => {
      const options = { data, ...callbacks('task.send') };
      timeline.call('task.send', options);
      void task.send(options);
    },
    close: (close, onFail) => {
      const options = { ...close, ...callbacks('task.close', onFail) };
      timeline.call('task.close', options);
      void task.close(options);
    },
  };
}
