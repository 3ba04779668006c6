/**
 * What every entry point exports besides `createWx`/`installWx` (which each binds to its own default transport).
 * Internal modules (`socket-task.ts` internals, `callbacks.ts`, `connect-options.ts`, …) stay out on purpose: the
 * public surface is the `wx` object, its types, and the transport boundary for custom transports.
 */
export { WxOptionsError, WxPhoneError } from './errors.js';
export type { AppState } from './app-lifecycle.js';
export type { BackgroundMode, LaunchOptions } from './field-options.js';
// The emulated phone's control (§8): outside the `wx` object, as WeChat's `wx` has no way to leave the app.
export {
  phoneOf,
  type HideOptions,
  type PerDirection,
  type Phone,
  type PhoneState,
  type WeakLinkConditions,
} from './phone.js';
export type { InstalledWx } from './install-wx.js';
export type { CertificateAuthority, WxOptions } from './options.js';
export type { ErrorReporter } from './report.js';
export { ReadyState } from './ready-state.js';
export type {
  LinkConditions,
  LinkDirection,
  NetworkLink,
  Transport,
  TransportConnection,
  TransportFailureKind,
  TransportHandlers,
  TransportRequest,
} from './transport.js';
export type * from './types.js';
export { NEWEST_SDK_VERSION } from './versions.js';
