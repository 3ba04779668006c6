/**
 * `wxsocket/reliable`: a socket that stays connected, over the public `wx` API only, so the same code runs inside
 * WeChat and on wxsocket. Queueing while not open, an application heartbeat, dead-connection detection,
 * reconnection with backoff and jitter, state restored after reconnecting, pauses in the background and while
 * offline, reconnection at once when the app shows or the network is back, and at most one `SocketTask` alive at a
 * time. Guide: docs/reliable.md.
 *
 * No Node built-ins, and of wxsocket's modules only its platform-free helpers (UTF-8 lengths, calling user code
 * safely): pass any `wx`-like object.
 */
export {
  createReliableSocket,
  DEAD_CONNECTION_CODE,
  type ReliableSocket,
  type ReliableSocketState,
  type SendResult,
} from './reliable-socket.js';
export {
  ReliableSocketOptionsError,
  type HeartbeatOptions,
  type OverflowPolicy,
  type QueueOptions,
  type ReconnectOptions,
  type ReliableSocketOptions,
  type RestoreContext,
  type SocketData,
  type Timers,
} from './options.js';
export type {
  ReliableCloseEvent,
  ReliableDropEvent,
  ReliableErrorEvent,
  ReliableMessageEvent,
  ReliableOpenEvent,
  ReliableReconnectingEvent,
  ReliableSocketEvent,
  ReliableSocketEventMap,
} from './events.js';
export type { DropReason } from './outbox.js';
export type {
  SocketTaskLike,
  WxCallResult,
  WxConnectOptions,
  WxConnectSocketOption,
  WxLike,
  WxNetworkStatus,
} from './wx-like.js';
