/**
 * The two socket implementations WeChat's base library carries, as profiles: `android` ("binding") and `ios`
 * ("jsapi"). This file is the one place that says how they differ (contract §1, §2, §5, §7); all else is shared.
 */
import * as ErrMsg from './errmsg.js';

export interface PlatformProfile {
  readonly name: 'android' | 'ios';
  /** `connectSocket`'s success result carries `socketTaskId`, an increasing integer [lib, ios]. */
  readonly successHasTaskId: boolean;
  /** The whole `errMsg` of `SocketTask.send` on a task that is not OPEN [lib]. */
  readonly sendNotOpen: string;
  /** `SocketTask.send`/`close` called without any callback key return a Promise [lib, ios]. */
  readonly taskMethodsReturnPromise: boolean;
  /** `onError` results carry `errCode` [lib, android]. */
  readonly errorHasErrCode: boolean;
  /** A task drops all its listeners after its terminal event [lib, ios]. */
  readonly dropsListenersAfterClose: boolean;
  /** The `onError` text for a URL refused by the domain check [lib]. */
  readonly domainRejected: string;
  /** Handshake failures use the binding's texts from base library 3.0.0 on (§9.2) [field, android]. */
  readonly bindingOpenErrors: boolean;
  /**
   * The close reported when the server ends the TCP stream (FIN) with no close frame (§9.3): SocketRocket's
   * end-of-stream close on ios [src]; `undefined` for the usual 1006 (android).
   */
  readonly streamEndClose: { readonly code: number; readonly reason: string } | undefined;
}

export const PROFILES: Readonly<Record<PlatformProfile['name'], PlatformProfile>> = {
  android: {
    name: 'android',
    successHasTaskId: false,
    sendNotOpen: `sendSocketMessage:fail ${ErrMsg.notConnected}`,
    taskMethodsReturnPromise: false,
    errorHasErrCode: true,
    dropsListenersAfterClose: false,
    domainRejected: ErrMsg.androidDomainRejected,
    bindingOpenErrors: true,
    streamEndClose: undefined,
  },
  ios: {
    name: 'ios',
    successHasTaskId: true,
    sendNotOpen: ErrMsg.iosSendNotOpen,
    taskMethodsReturnPromise: true,
    errorHasErrCode: false,
    dropsListenersAfterClose: true,
    domainRejected: ErrMsg.iosDomainRejected,
    bindingOpenErrors: false,
    streamEndClose: { code: 1001, reason: ErrMsg.streamEndEncountered },
  },
};

/**
 * The `User-Agent` sent with the handshake. WeChat replaces the caller's with its own [doc]; ours keeps WeChat's
 * `MicroMessenger` and `MiniProgramEnv` tokens so servers that look for them behave as in production [ours].
 */
export function userAgentOf(profile: PlatformProfile): string {
  const device = profile.name === 'ios' ? 'iPhone; CPU iPhone OS 17_0 like Mac OS X' : 'Linux; Android 14';
  return `Mozilla/5.0 (${device}) MicroMessenger/8.0.50 MiniProgramEnv/${profile.name} wxsocket`;
}
