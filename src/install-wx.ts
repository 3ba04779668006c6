/**
 * `installWx`: puts a `wx` object on `globalThis.wx`, so unmodified third-party code that reaches for the global
 * (MQTT clients, IM SDKs) runs outside WeChat.
 */
import type { WxOptions } from './options.js';
import { phoneOf, type Phone } from './phone.js';
import type { Wx } from './types.js';

/** What `installWx` returns. */
export interface InstalledWx {
  /** The installed object, also at `globalThis.wx`. */
  readonly wx: Wx;
  /** The control of the emulated phone the installed object runs on (§8): the same as `phoneOf(wx)`. */
  readonly phone: Phone;
  /**
   * Restores what `globalThis.wx` was before this install, exactly (the same value, or the same property
   * descriptor), or removes it if there was none. Calling it again does nothing. Nested installs unwind in reverse
   * order: each `uninstall()` puts back what its own install replaced.
   */
  uninstall(): void;
}

/**
 * Installs `create(options)` as `globalThis.wx`; each entry point passes its own `createWx`. The object is created
 * first, so invalid options throw (`WxOptionsError`) before the global is touched.
 */
export function installWxWith(create: (options?: WxOptions) => Wx, options?: WxOptions): InstalledWx {
  const wx = create(options); // throws on bad options before touching the global
  const global = globalThis as { wx?: unknown };
  const previous = Object.getOwnPropertyDescriptor(global, 'wx'); // `undefined` when there was none
  Object.defineProperty(global, 'wx', { value: wx, writable: true, configurable: true, enumerable: true });
  let installed = true;
  return {
    wx,
    get phone() {
      return phoneOf(wx);
    },
    uninstall() {
      if (!installed) return;
      installed = false;
      if (previous) Object.defineProperty(global, 'wx', previous);
      else delete global.wx;
    },
  };
}
