/**
 * `installWx`: puts a `wx` object on `globalThis.wx`, so unmodified third-party code that reaches for the global
 * (MQTT clients, IM SDKs) runs outside WeChat.
 */
import type { WxOptions } from './options.js';
import type { Wx } from './types.js';

/** What `installWx` returns. */
export interface InstalledWx {
  /** The installed object, also at `globalThis.wx`. */
  readonly wx: Wx;
  /** Restores whatever `globalThis.wx` was before (or removes it). Calling it again does nothing. */
  uninstall(): void;
}

/** Installs `create(options)` as `globalThis.wx`; each entry point passes its own `createWx`. */
export function installWxWith(create: (options?: WxOptions) => Wx, options?: WxOptions): InstalledWx {
  const wx = create(options); // throws on bad options before touching the global
  const global = globalThis as { wx?: unknown };
  const had = Object.prototype.hasOwnProperty.call(global, 'wx');
  const previous = Object.getOwnPropertyDescriptor(global, 'wx');
  Object.defineProperty(global, 'wx', { value: wx, writable: true, configurable: true, enumerable: true });
  let installed = true;
  return {
    wx,
    uninstall() {
      if (!installed) return;
      installed = false;
      if (had) Object.defineProperty(global, 'wx', previous!);
      else delete global.wx;
    },
  };
}
