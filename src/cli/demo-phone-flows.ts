/**
 * The flows of `wxsocket demo` that act on the emulated phone (contract §8), through `phoneOf(wx)`: the user leaves
 * the app and comes back (hide, suspend, show), and the phone switches network. Like the socket flows, every line
 * is a call the flow makes or something WeChat delivered; the phone's own calls show as `phone.*`.
 */
import { phoneOf } from '../node.js';
import { listener, traced, type Flow } from './demo-flows.js';

/** Hide, suspend, show: WeChat closes the sockets of a suspended app and tells it on show (§8.1). */
const hideSuspendShow: Flow = {
  run: ({ timeline, makeWx, url, section }) =>
    new Promise((resolve) => {
      section(
        'the user leaves the app and comes back',
        'hide → suspend → show: a suspended app loses its sockets, and hears of it when it shows again',
      );
      const wx = makeWx();
      // Asked for before connecting, as the phone shapes only the connections opened after (§8.3).
      const phone = phoneOf(wx);
      wx.onAppHide(
        listener(timeline, 'wx.onAppHide', () => {
          timeline.note('in the background: WeChat suspends the app a few seconds later (here, at once)');
          timeline.call('phone.suspend');
          phone.suspend();
          timeline.note('suspended: WeChat closes the socket (the server gets close 1000) and delivers nothing');
          timeline.call('phone.show');
          phone.show();
        }),
      );
      wx.onAppShow(listener(timeline, 'wx.onAppShow'));
      const connect = { url, ...traced(timeline, 'wx.connectSocket') };
      timeline.call('wx.connectSocket', connect);
      const task = wx.connectSocket(connect);
      task.onOpen(
        listener(timeline, 'task.onOpen', () => {
          timeline.call('phone.hide');
          phone.hide();
        }),
      );
      task.onError(listener(timeline, 'task.onError'));
      task.onClose(
        listener(timeline, 'task.onClose', () => {
          timeline.note('held while suspended and delivered on show; a mini program reconnects here');
          resolve();
        }),
      );
    }),
};

/** A network switch: leaving Wi-Fi for 4G drops the connection; a new one opens at once (§8.3). */
const networkSwitch: Flow = {
  run: ({ timeline, makeWx, url, section }) =>
    new Promise((resolve) => {
      section('the phone switches network', 'leaving Wi-Fi for 4G drops every connection; a new one works at once');
      const wx = makeWx();
      const phone = phoneOf(wx);
      wx.onNetworkStatusChange(listener(timeline, 'wx.onNetworkStatusChange'));
      const connect = { url, ...traced(timeline, 'wx.connectSocket') };
      timeline.call('wx.connectSocket', connect);
      const task = wx.connectSocket(connect);
      task.onOpen(
        listener(timeline, 'task.onOpen', () => {
          timeline.call('phone.setNetworkType', '4g');
          phone.setNetworkType('4g');
        }),
      );
      task.onError(listener(timeline, 'task.onError'));
      task.onClose(
        listener(timeline, 'task.onClose', () => {
          timeline.note('the connection is gone: the mini program reconnects, on 4G now');
          const again = { url, ...traced(timeline, 'wx.connectSocket') };
          timeline.call('wx.connectSocket', again);
          const next = wx.connectSocket(again);
          next.onOpen(
            listener(timeline, 'task.onOpen', () => {
              const close = { code: 1000, ...traced(timeline, 'task.close') };
              timeline.call('task.close', close);
              void next.close(close);
            }),
          );
          next.onError(listener(timeline, 'task.onError'));
          next.onClose(listener(timeline, 'task.onClose', () => resolve()));
        }),
      );
    }),
};

/** The phone's flows, run after the socket flows on each profile. */
export const PHONE_FLOWS: readonly Flow[] = [hideSuspendShow, networkSwitch];
