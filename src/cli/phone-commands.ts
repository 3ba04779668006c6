/**
 * The phone commands of `wxsocket connect` (`/hide`, `/network 4g`, `/weak 300 64000`, …): they act on the emulated
 * phone through `phoneOf(wx)` (contract §8), as a user walking out of Wi-Fi or switching apps would, so that a
 * backend developer can watch what their server sees. What the mini program receives in turn (`wx.onAppHide`,
 * `wx.onNetworkStatusChange`, the socket's `onError` and `onClose`) goes on the timeline like every other event.
 */
import { WxPhoneError, phoneOf, type Phone, type Wx } from '../node.js';
import { NETWORK_TYPES } from '../network-status.js';
import type { NetworkType } from '../types.js';
import type { Timeline } from './timeline.js';

/** What a phone command did: `handled: false` for a line that is not one. */
type PhoneCommandResult =
  | { readonly handled: false }
  | {
      readonly handled: true;
      /** A problem with the input (nothing was done), for stderr. */
      readonly complaint?: string;
      /** Whether the command ends the connection by itself (a suspension, a network change). */
      readonly endsConnection?: boolean;
    };

/** The networks a phone can switch to: every type but `none` (that is `/offline`). */
const NETWORKS: readonly NetworkType[] = NETWORK_TYPES.filter((type) => type !== 'none');

/** The phone of `wx` with its app and network events on the timeline. Call it before connecting (§8.3: shaping). */
export function watchPhone(wx: Wx, timeline: Timeline): Phone {
  const phone = phoneOf(wx);
  const listen = (name: 'onAppShow' | 'onAppHide' | 'onNetworkStatusChange' | 'onNetworkWeakChange'): void => {
    // Absent below its base library version (--sdk): the phone still acts, the mini program is not told.
    if (!wx.canIUse(name)) return;
    (wx[name] as (listener: (result: unknown) => void) => void)((result) =>
      timeline.deliver('listener', `wx.${name}`, result),
    );
  };
  listen('onAppHide');
  listen('onAppShow');
  listen('onNetworkStatusChange');
  listen('onNetworkWeakChange');
  return phone;
}

/** Runs `command` (with its `args`) on `phone` if it is a phone command. */
export function runPhoneCommand(
  phone: Phone,
  timeline: Timeline,
  command: string,
  args: readonly string[],
): PhoneCommandResult {
  const count = (value: string | undefined): number | undefined =>
    value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : undefined;
  const act = (name: string, argument: unknown, run: () => void, note: string, ends = false): PhoneCommandResult => {
    timeline.call(`phone.${name}`, argument);
    try {
      run();
    } catch (error) {
      if (error instanceof WxPhoneError) return { handled: true, complaint: error.message };
      throw error;
    }
    timeline.note(note);
    return { handled: true, endsConnection: ends };
  };
  switch (command) {
    case '/hide': {
      const delay = args[0] === undefined ? undefined : count(args[0]);
      if (args[0] !== undefined && delay === undefined)
        return { handled: true, complaint: '/hide wants the milliseconds before the suspension, e.g. /hide 2000' };
      const options = delay === undefined ? undefined : { suspendDelay: delay };
      const when = delay === undefined ? 'after the suspend delay (5 s by default)' : `in ${delay} ms`;
      return act(
        'hide',
        options,
        () => phone.hide(options),
        `in the background: suspended ${when} unless /show comes first`,
      );
    }
    case '/show':
      return act('show', undefined, () => phone.show(), 'back in the foreground');
    case '/suspend':
      return act(
        'suspend',
        undefined,
        () => phone.suspend(),
        'suspended: WeChat closed the socket (the server saw close 1000); nothing reaches the app until /show',
        true,
      );
    case '/network': {
      const type = args[0] as NetworkType | undefined;
      if (type === undefined || !NETWORKS.includes(type))
        return { handled: true, complaint: `/network wants one of ${NETWORKS.join(', ')}, e.g. /network 4g` };
      const changed = phone.state.networkType !== type;
      return act(
        'setNetworkType',
        type,
        () => phone.setNetworkType(type),
        changed
          ? `on ${type} now: leaving a network drops every connection, as on a phone (a mini program reconnects)`
          : `already on ${type}: nothing happens`,
        changed,
      );
    }
    case '/offline':
      return act(
        'offline',
        undefined,
        () => phone.offline(),
        'offline: every connection fails with "network is down"; /online brings the network back',
        phone.state.isConnected,
      );
    case '/online': {
      const type = args[0] as NetworkType | undefined;
      if (type !== undefined && !NETWORKS.includes(type))
        return { handled: true, complaint: `/online takes one of ${NETWORKS.join(', ')}, or nothing` };
      return act(
        'online',
        type,
        () => phone.online(type as Exclude<NetworkType, 'none'> | undefined),
        'online again: new connections work',
      );
    }
    case '/weak': {
      const [latency, bandwidth] = [count(args[0]), args[1] === undefined ? undefined : count(args[1])];
      if (latency === undefined || (args[1] !== undefined && (bandwidth === undefined || bandwidth === 0)))
        return {
          handled: true,
          complaint: '/weak wants a latency in ms and optionally a bandwidth in bytes per second, e.g. /weak 300 64000',
        };
      const conditions = { latency, ...(bandwidth !== undefined && { bandwidth }) };
      const speed = bandwidth === undefined ? '' : `, ${bandwidth} bytes/s`;
      return act(
        'weaken',
        conditions,
        () => phone.weaken(conditions),
        `a weak link: +${latency} ms each way${speed}, for every byte in both directions`,
      );
    }
    case '/strong':
      return act('strengthen', undefined, () => phone.strengthen(), 'the link is strong again');
    default:
      return { handled: false };
  }
}
