/**
 * The flows `wxsocket demo` runs on each profile: the 1.x documentation's samples (contract §4) and the rules a mini
 * program meets first.
 * Each flow is ordinary mini-program code against a real `wx` object; every line of the timeline comes from a
 * callback or listener it registered, or names a call it is about to make. Notes explain; they are never events.
 */
import type { Wx } from '../node.js';
import type { Timeline } from './timeline.js';

/** What a flow runs with. */
export interface FlowContext {
  readonly timeline: Timeline;
  /** Makes a fresh `wx` (one isolated mini program) on this flow's profile, with the demo's legal domains. */
  makeWx(): Wx;
  /** The demo server's URL under its legal domain name. */
  readonly url: string;
  /** The same server by IP address, which the domain check refuses. */
  readonly ipUrl: string;
  /** TCP connections the demo server has accepted so far. */
  connectionCount(): number;
  /** Starts a new numbered part of the timeline. */
  section(title: string, detail?: string): void;
}

/** One flow: resolves when its last event has been delivered. */
export interface Flow {
  /** Runs the flow; it opens its own first section. */
  run(context: FlowContext): Promise<void>;
}

/** `{success, fail}` callbacks that put what WeChat delivers on the timeline, named `<api>.success`/`<api>.fail`. */
export function traced(timeline: Timeline, api: string, then?: (result: unknown) => void) {
  return {
    success: (result: unknown) => {
      timeline.deliver('callback', `${api}.success`, result);
      then?.(result);
    },
    fail: (result: unknown) => {
      timeline.deliver('callback', `${api}.fail`, result);
      then?.(result);
    },
  };
}

/** A listener that puts its payload on the timeline under `name`, then runs `then`. */
export function listener<R>(timeline: Timeline, name: string, then?: (result: R) => void): (result: R) => void {
  return (result) => {
    timeline.deliver('listener', name, result);
    then?.(result);
  };
}

/** The 1.x documentation's sample: messages sent before `onSocketOpen` wait in a queue, then go out on open. */
const queueBeforeOpen: Flow = {
  run: ({ timeline, makeWx, url, section }) =>
    new Promise((resolve) => {
      section(
        'global API: queue messages until the socket opens',
        "the sample of WeChat's 1.x documentation: wx.connectSocket, wx.onSocket*, wx.sendSocketMessage",
      );
      const wx = makeWx();
      let socketOpen = false;
      let socketMsgQueue: string[] = [];
      const connect = { url, ...traced(timeline, 'wx.connectSocket') };
      timeline.call('wx.connectSocket', connect);
      wx.connectSocket(connect);

      wx.onSocketOpen(
        listener(timeline, 'wx.onSocketOpen', () => {
          socketOpen = true;
          for (const msg of socketMsgQueue) sendSocketMessage(msg);
          socketMsgQueue = [];
        }),
      );
      function sendSocketMessage(msg: string): void {
        if (socketOpen) {
          const send = { data: msg, ...traced(timeline, 'wx.sendSocketMessage') };
          timeline.call('wx.sendSocketMessage', send);
          wx.sendSocketMessage(send);
        } else {
          socketMsgQueue.push(msg);
          timeline.note(`queued ${JSON.stringify(msg)}: onSocketOpen has not fired yet`);
        }
      }
      sendSocketMessage('hello');
      sendSocketMessage('world');

      let received = 0;
      wx.onSocketMessage(
        listener(timeline, 'wx.onSocketMessage', () => {
          if (++received < 2) return;
          const close = traced(timeline, 'wx.closeSocket');
          timeline.call('wx.closeSocket', close);
          wx.closeSocket(close);
        }),
      );
      wx.onSocketError(listener(timeline, 'wx.onSocketError'));
      wx.onSocketClose(listener(timeline, 'wx.onSocketClose', () => resolve()));
    }),
};

/** A SocketTask exchanging text and binary, then closing with a code and a reason. */
const taskTextBinaryClose: Flow = {
  run: ({ timeline, makeWx, url, section }) =>
    new Promise((resolve) => {
      section('SocketTask: text and binary', 'wx.connectSocket returns a task; each task.on* call adds a listener');
      const wx = makeWx();
      const connect = {
        url: `${url}/chat`,
        header: { 'X-Client': 'wxsocket demo' },
        protocols: ['chat.v1'],
        ...traced(timeline, 'wx.connectSocket'),
      };
      timeline.call('wx.connectSocket', connect);
      const task = wx.connectSocket(connect);
      task.onOpen(
        listener(timeline, 'task.onOpen', () => {
          const text = { data: '你好, WeChat', ...traced(timeline, 'task.send') };
          timeline.call('task.send', text);
          void task.send(text);
          const binary = { data: new Uint8Array([0x77, 0x78, 0x00, 0xff]).buffer, ...traced(timeline, 'task.send') };
          timeline.call('task.send', binary);
          void task.send(binary);
        }),
      );
      let received = 0;
      task.onMessage(
        listener(timeline, 'task.onMessage', () => {
          if (++received < 2) return;
          section('close with a code and a reason', 'onClose reports the code and reason of the close');
          const close = { code: 4000, reason: 'demo finished', ...traced(timeline, 'task.close') };
          timeline.call('task.close', close);
          void task.close(close);
        }),
      );
      task.onError(listener(timeline, 'task.onError'));
      task.onClose(listener(timeline, 'task.onClose', () => resolve()));
    }),
};

/** The 1.x documentation's timing caveat (§3): `wx.closeSocket` before `onSocketOpen` does not close the socket. */
const closeBeforeOpen: Flow = {
  run: ({ timeline, makeWx, url, section }) =>
    new Promise((resolve) => {
      section(
        'wx.closeSocket before onSocketOpen',
        "a caveat of WeChat's documentation: it cannot close a socket that is still connecting",
      );
      const wx = makeWx();
      const connect = { url, ...traced(timeline, 'wx.connectSocket') };
      timeline.call('wx.connectSocket', connect);
      wx.connectSocket(connect);
      const early = traced(timeline, 'wx.closeSocket');
      timeline.call('wx.closeSocket', early);
      wx.closeSocket(early);
      wx.onSocketOpen(
        listener(timeline, 'wx.onSocketOpen', () => {
          timeline.note('the socket opened all the same: close it once onSocketOpen has fired, as here');
          const close = traced(timeline, 'wx.closeSocket');
          timeline.call('wx.closeSocket', close);
          wx.closeSocket(close);
        }),
      );
      wx.onSocketError(listener(timeline, 'wx.onSocketError'));
      wx.onSocketClose(listener(timeline, 'wx.onSocketClose', () => resolve()));
    }),
};

/** The legal-domain check refusing a URL: no network, `onError` only. */
const domainCheck: Flow = {
  run: ({ timeline, makeWx, ipUrl, section, connectionCount }) =>
    new Promise((resolve) => {
      section('the domain check refuses a URL', 'the same server by IP address: IPs are never legal socket domains');
      const wx = makeWx();
      const before = connectionCount();
      const connect = { url: ipUrl, ...traced(timeline, 'wx.connectSocket') };
      timeline.call('wx.connectSocket', connect);
      const task = wx.connectSocket(connect);
      task.onOpen(listener(timeline, 'task.onOpen'));
      task.onClose(listener(timeline, 'task.onClose'));
      task.onError(
        listener(timeline, 'task.onError', () => {
          // onClose would follow in the same turn (§2); after it, the task is done for good (§0.6).
          setImmediate(() => {
            const attempts = connectionCount() - before;
            timeline.note(
              `no onClose: the URL never reached the network (the server saw ${attempts} connection attempts)`,
            );
            resolve();
          });
        }),
      );
    }),
};

/** The socket flows, in the order the demo runs them on each profile (the phone's flows follow). */
export const FLOWS: readonly Flow[] = [queueBeforeOpen, taskTextBinaryClose, closeBeforeOpen, domainCheck];
