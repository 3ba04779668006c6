/// <reference types="miniprogram-api-typings" />
/**
 * Type test: `createReliableSocket` accepts real WeChat's `wx` (the official typings' `WechatMiniprogram.Wx`) and
 * wxsocket's `createWx()` object as they are, without a cast. Compiled by `tsc -p tsconfig.json`; nothing here runs.
 */
import type { Wx } from '../../src/types.js';
import type { SocketTaskLike, WxLike } from '../../src/reliable/index.js';

/** `Assignable<A, B>` is `true` only when every `A` is a `B`. */
type Assignable<A, B> = [A] extends [B] ? true : false;
function expectTrue<T extends true>(_proof?: T): void {}
function expectFalse<T extends false>(_proof?: T): void {}

expectTrue<Assignable<WechatMiniprogram.Wx, WxLike>>();
expectTrue<Assignable<WechatMiniprogram.SocketTask, SocketTaskLike>>();
expectTrue<Assignable<Wx, WxLike>>();
// An older wx-like with connectSocket alone still fits: the lifecycle and network APIs are optional.
expectTrue<Assignable<{ connectSocket(option: { url: string }): SocketTaskLike | undefined }, WxLike>>();
// Where it has them, they must take listeners of WeChat's shape.
expectFalse<
  Assignable<
    {
      connectSocket(option: { url: string }): SocketTaskLike | undefined;
      onNetworkStatusChange(listener: (result: { isConnected: number }) => void): void;
    },
    WxLike
  >
>();
// The negative check: an object without connectSocket is refused (the interface did not degrade to `any`).
expectFalse<Assignable<{ onAppHide(listener: () => void): void }, WxLike>>();

export {};
