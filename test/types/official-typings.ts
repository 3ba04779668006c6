/**
 * Type test: wxsocket's public types are structurally compatible with WeChat's official typings
 * (`miniprogram-api-typings`, namespace `WechatMiniprogram`). Compiled with `tsc --noEmit` by
 * `official-typings.test.ts`; nothing here runs.
 *
 * Two directions:
 * 1. Ours → theirs: a `wx` object, `SocketTask`, option and result of ours can be used wherever code written for
 *    the official typings expects theirs (a library typed against the socket part of `WechatMiniprogram.Wx`,
 *    `Pick<WechatMiniprogram.Wx, WxSocketApiName>`, accepts `createWx()`).
 * 2. Theirs → ours: code written against the official typings (its options, listeners, callbacks) type-checks
 *    when handed to our API.
 * The `@ts-expect-error` lines are the negative checks: if our types degraded to `any`, or a check here stopped
 * checking anything, they would no longer be errors and the compilation would fail.
 */
import type {
  CloseSocketOption,
  ConnectSocketOption,
  ConnectSocketSuccessCallbackResult,
  GeneralCallbackResult,
  OnOpenListenerResult,
  OnSocketOpenListenerResult,
  SendSocketMessageOption,
  SocketProfile,
  SocketTask,
  SocketTaskCloseOption,
  SocketTaskOnCloseListenerResult,
  SocketTaskOnErrorListenerResult,
  SocketTaskOnMessageListenerResult,
  SocketTaskSendOption,
  Wx,
  WxSocketApiName,
  GetNetworkTypeSuccessCallbackResult,
  OnAppHideListenerResult,
  OnAppShowListenerResult,
  OnNetworkStatusChangeListenerResult,
  OnNetworkWeakChangeListenerResult,
} from '../../src/public.js';
import { phoneOf } from '../../src/public.js';

/** `Assignable<A, B>` is `true` only when every `A` is a `B`. */
type Assignable<A, B> = [A] extends [B] ? true : false;
/** Fails to compile unless `T` is `true`. */
function expectTrue<T extends true>(_proof?: T): void {}
/** Fails to compile unless `T` is `false`. */
function expectFalse<T extends false>(_proof?: T): void {}

declare const ours: Wx;
declare const task: SocketTask;
declare const official: WechatMiniprogram.Wx;

// ---------------------------------------------------------------------------------------------------------------
// 1. Ours → theirs.

// The whole socket API of our `wx`, as the official `Wx` types it: code typed against the socket part of the official
// `Wx` accepts our object.
type OfficialSocketApi = Pick<WechatMiniprogram.Wx, WxSocketApiName>;
const socketApi: OfficialSocketApi = ours;
expectTrue<
  Assignable<
    WxSocketApiName,
    | 'connectSocket'
    | 'onSocketOpen'
    | 'onSocketMessage'
    | 'onSocketError'
    | 'onSocketClose'
    | 'sendSocketMessage'
    | 'closeSocket'
    | 'canIUse'
  >
>();

// As users write it (docs/compatibility.md): a module typed against the socket part of the official `wx` takes
// WeChat's own object and ours alike.
function chat(wx: Pick<WechatMiniprogram.Wx, WxSocketApiName>, url: string): WechatMiniprogram.SocketTask {
  const socket = wx.connectSocket({ url });
  wx.onSocketMessage(({ data }) => typeof data === 'string' && wx.sendSocketMessage({ data }));
  return socket;
}
chat(ours, 'wss://example.com');
chat(official, 'wss://example.com');
// The whole official `Wx` is out of reach: it types hundreds of APIs (storage, UI, payments...) wxsocket does not have.
// @ts-expect-error Type 'Wx' is missing the following properties from type 'Wx': …
const _whole: WechatMiniprogram.Wx = ours;
expectTrue<Assignable<Wx, OfficialSocketApi>>();
// Each socket function of the official `Wx` but the two Promise-returning ones already accepts ours.
const socketApiWithoutPromises: Omit<OfficialSocketApi, 'sendSocketMessage' | 'closeSocket'> = ours;

// The task and each method on its own.
const officialTask: WechatMiniprogram.SocketTask = task;
const fromConnect: WechatMiniprogram.SocketTask = ours.connectSocket({ url: 'wss://example.com' });
expectTrue<Assignable<SocketTask, WechatMiniprogram.SocketTask>>();

// Results our listeners and callbacks receive are the official ones (plus undocumented extras such as `errCode`).
expectTrue<Assignable<OnOpenListenerResult, WechatMiniprogram.OnOpenListenerResult>>();
expectTrue<Assignable<SocketProfile, WechatMiniprogram.SocketProfile>>();
expectTrue<Assignable<SocketTaskOnMessageListenerResult, WechatMiniprogram.SocketTaskOnMessageListenerResult>>();
expectTrue<Assignable<SocketTaskOnCloseListenerResult, WechatMiniprogram.SocketTaskOnCloseListenerResult>>();
expectTrue<Assignable<SocketTaskOnErrorListenerResult, WechatMiniprogram.GeneralCallbackResult>>();
expectTrue<Assignable<OnSocketOpenListenerResult, WechatMiniprogram.OnSocketOpenListenerResult>>();
expectTrue<Assignable<GeneralCallbackResult, WechatMiniprogram.GeneralCallbackResult>>();
expectTrue<Assignable<ConnectSocketSuccessCallbackResult, WechatMiniprogram.GeneralCallbackResult>>();

// Option types: an option object typed with ours can be handed to code typed with theirs.
expectTrue<Assignable<SendSocketMessageOption, WechatMiniprogram.SendSocketMessageOption>>();
expectTrue<Assignable<CloseSocketOption, WechatMiniprogram.CloseSocketOption>>();
expectTrue<Assignable<SocketTaskSendOption, WechatMiniprogram.SocketTaskSendOption>>();
expectTrue<Assignable<SocketTaskCloseOption, WechatMiniprogram.SocketTaskCloseOption>>();
expectTrue<Assignable<ConnectSocketOption, WechatMiniprogram.ConnectSocketOption>>();

// ---------------------------------------------------------------------------------------------------------------
// 2. Theirs → ours: code written against the official typings, unchanged, with our `wx`.

declare const officialConnect: WechatMiniprogram.ConnectSocketOption;
declare const officialSend: WechatMiniprogram.SocketTaskSendOption;
declare const officialClose: WechatMiniprogram.SocketTaskCloseOption;
declare const officialGlobalSend: WechatMiniprogram.SendSocketMessageOption;
declare const officialGlobalClose: WechatMiniprogram.CloseSocketOption;
declare const onOpen: WechatMiniprogram.OnOpenCallback;
declare const onMessage: WechatMiniprogram.SocketTaskOnMessageCallback;
// what the official typings name SocketTask.onError's
declare const onError: WechatMiniprogram.UDPSocketOnErrorCallback;
declare const onClose: WechatMiniprogram.SocketTaskOnCloseCallback;
declare const onSocketOpen: WechatMiniprogram.OnSocketOpenCallback;
declare const onSocketMessage: WechatMiniprogram.OnSocketMessageCallback;
declare const onSocketError: WechatMiniprogram.OnSocketErrorCallback;
declare const onSocketClose: WechatMiniprogram.OnSocketCloseCallback;

const fromOfficialOption: SocketTask = ours.connectSocket(officialConnect);
task.onOpen(onOpen);
task.onMessage(onMessage);
task.onError(onError);
task.onClose(onClose);
task.send(officialSend);
task.close(officialClose);
ours.onSocketOpen(onSocketOpen);
ours.onSocketMessage(onSocketMessage);
ours.onSocketError(onSocketError);
ours.onSocketClose(onSocketClose);
ours.sendSocketMessage(officialGlobalSend);
ours.closeSocket(officialGlobalClose);

expectTrue<Assignable<WechatMiniprogram.ConnectSocketOption, ConnectSocketOption>>();
expectTrue<Assignable<WechatMiniprogram.SocketTaskSendOption, SocketTaskSendOption>>();
expectTrue<Assignable<WechatMiniprogram.SocketTaskCloseOption, SocketTaskCloseOption>>();
expectTrue<Assignable<WechatMiniprogram.SendSocketMessageOption, SendSocketMessageOption>>();
expectTrue<Assignable<WechatMiniprogram.CloseSocketOption, CloseSocketOption>>();

// The examples of the official docs (wx.connectSocket, SocketTask, wx.onSocketOpen pages), as written there.
function officialDocExamples(wx: Wx): void {
  wx.connectSocket({
    url: 'wss://example.qq.com',
    header: { 'content-type': 'application/json' },
    protocols: ['protocol1'],
  });
  wx.onSocketOpen(function (res) {
    const header: WechatMiniprogram.IAnyObject = res.header;
    void header;
    wx.sendSocketMessage({ data: 'hello' });
  });
  wx.onSocketMessage(function (res) {
    const data: string | ArrayBuffer = res.data;
    void data;
  });
  wx.onSocketError(function (res) {
    const errMsg: string = res.errMsg;
    void errMsg;
  });
  wx.onSocketClose(function (res) {
    const code: number = res.code;
    const reason: string = res.reason;
    void [code, reason];
  });
  wx.closeSocket();
  if (wx.canIUse('connectSocket.object.protocols')) {
    const socketTask = wx.connectSocket({ url: 'wss://example.qq.com', success() {}, fail() {} });
    socketTask.onOpen((res) => {
      const rtt: number = res.profile.rtt;
      const header: WechatMiniprogram.IAnyObject = res.header;
      void [rtt, header];
    });
    socketTask.send({ data: new ArrayBuffer(8), success: (res) => void res.errMsg });
    socketTask.close({
      code: 1000,
      reason: 'done',
      complete: (res: WechatMiniprogram.GeneralCallbackResult) => void res,
    });
  }
}

// The Promise style of the global API (base library 2.10.2+) has the official result types.
async function promiseStyle(wx: Wx): Promise<void> {
  const sent: WechatMiniprogram.GeneralCallbackResult = await wx.sendSocketMessage({ data: 'x' });
  const closed: WechatMiniprogram.GeneralCallbackResult = await wx.closeSocket({ code: 1000 });
  const withCallback: void = wx.closeSocket({ success() {} });
  void [sent, closed, withCallback];
  // Both typings agree on what the calls return.
  expectTrue<
    Assignable<
      ReturnType<typeof wx.closeSocket<{ code: 1000 }>>,
      ReturnType<typeof official.closeSocket<{ code: 1000 }>>
    >
  >();
  expectTrue<
    Assignable<
      ReturnType<typeof wx.sendSocketMessage<{ data: 'x' }>>,
      ReturnType<typeof official.sendSocketMessage<{ data: 'x' }>>
    >
  >();
}

// ---------------------------------------------------------------------------------------------------------------
// Field conditions (§8): the app-lifecycle and network APIs, both ways.

// GAP: `onAppShow` is left out. The official `LaunchOptionsApp` requires `forwardMaterials` and `hostExtraData`, which
// WeChat sends only in particular scenes and wxsocket never sends, so our listener type cannot stand for theirs
// (callback parameters are compared strictly). The other way round works: official listeners are accepted below.
type OfficialFieldApi = Pick<
  WechatMiniprogram.Wx,
  | 'onAppHide'
  | 'offAppShow'
  | 'offAppHide'
  | 'getNetworkType'
  | 'onNetworkStatusChange'
  | 'offNetworkStatusChange'
  | 'onNetworkWeakChange'
  | 'offNetworkWeakChange'
>;
const fieldApi: OfficialFieldApi = ours;
expectTrue<Assignable<OnNetworkStatusChangeListenerResult, WechatMiniprogram.OnNetworkStatusChangeListenerResult>>();
expectTrue<Assignable<OnNetworkWeakChangeListenerResult, WechatMiniprogram.OnNetworkWeakChangeListenerResult>>();
expectTrue<Assignable<GetNetworkTypeSuccessCallbackResult, WechatMiniprogram.GetNetworkTypeSuccessCallbackResult>>();
expectTrue<Assignable<OnAppHideListenerResult, WechatMiniprogram.HideOptionsApp>>();
// The official `LaunchOptionsApp` requires fields sent only in particular scenes; ours has the rest of it.
expectTrue<
  Assignable<Omit<WechatMiniprogram.LaunchOptionsApp, 'forwardMaterials' | 'hostExtraData'>, OnAppShowListenerResult>
>();

declare const onAppShow: WechatMiniprogram.OnAppShowCallback;
declare const onAppHide: WechatMiniprogram.OnAppHideCallback;
declare const offAppShow: WechatMiniprogram.OffAppShowCallback;
declare const onNetworkStatusChange: WechatMiniprogram.OnNetworkStatusChangeCallback;
declare const offNetworkStatusChange: WechatMiniprogram.OffNetworkStatusChangeCallback;
declare const onNetworkWeakChange: WechatMiniprogram.OnNetworkWeakChangeCallback;
declare const officialGetNetworkType: WechatMiniprogram.GetNetworkTypeOption;

async function officialFieldCode(wx: Wx): Promise<void> {
  wx.onAppShow(onAppShow);
  wx.onAppHide(onAppHide);
  wx.offAppShow(offAppShow);
  wx.offAppHide();
  wx.onNetworkStatusChange(onNetworkStatusChange);
  wx.offNetworkStatusChange(offNetworkStatusChange);
  wx.onNetworkWeakChange(onNetworkWeakChange);
  wx.offNetworkWeakChange(onNetworkWeakChange);
  wx.getNetworkType(officialGetNetworkType);
  // The official docs' examples.
  wx.getNetworkType({
    success(res) {
      const networkType: string = res.networkType;
      const weakNet: boolean = res.weakNet;
      void [networkType, weakNet];
    },
  });
  wx.onNetworkStatusChange(function (res) {
    const connected: boolean = res.isConnected;
    void connected;
  });
  wx.onAppShow((res) => void res.query['room']);
  const type: WechatMiniprogram.GetNetworkTypeSuccessCallbackResult = await wx.getNetworkType();
  void type;
  // The phone's control is typed too.
  phoneOf(wx).setNetworkType('4g');
  phoneOf(wx).weaken({ latency: { up: 100, down: 300 }, bandwidth: 32_000 });
}

// What libraries read although the official typings omit it [lib]: readyState and its constants.
const states: readonly number[] = [task.readyState, task.CONNECTING, task.OPEN, task.CLOSING, task.CLOSED];

// ---------------------------------------------------------------------------------------------------------------
// Negative checks: each line must be a type error.

// @ts-expect-error `url` is required, as in the official typings.
ours.connectSocket({});
// @ts-expect-error `data` is a string or an ArrayBuffer; a typed array is not (it fails with "unknown data").
task.send({ data: new Uint8Array(4) });
// @ts-expect-error a listener's result has no field the platform does not send.
task.onClose((res) => void res.wasClean);
// @ts-expect-error our task is not some other official type.
const notUdp: WechatMiniprogram.UDPSocket = task;
expectFalse<Assignable<SocketTask, WechatMiniprogram.UDPSocket>>();
// @ts-expect-error the Promise form resolves with a result, not a string.
const wrong: Promise<string> = ours.closeSocket({ code: 1000 });
// @ts-expect-error a network type outside WeChat's list.
phoneOf(ours).setNetworkType('lte');
// @ts-expect-error the network status result has no field the platform does not send.
ours.onNetworkStatusChange((res) => void res.signalStrength);

export {
  socketApiWithoutPromises,
  socketApi,
  officialTask,
  fromConnect,
  fromOfficialOption,
  states,
  officialDocExamples,
  promiseStyle,
  fieldApi,
  officialFieldCode,
  notUdp,
  wrong,
};

// Under `exactOptionalPropertyTypes`, our callback keys (`?: F | undefined`, so that `{success: undefined}` type-checks
// as WeChat accepts it) do not assign to the official `?: F`; this test compiles without that option, as most
// projects and the official typings' own tests do.
