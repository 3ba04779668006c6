/**
 * The mini program's field conditions as the reliable socket hears them: the app going to the background and coming
 * back (`wx.onAppHide`/`wx.onAppShow`), and the network (`wx.getNetworkType`, `wx.onNetworkStatusChange`), from
 * whichever of these APIs the `wx` object has. Real WeChat has them all (from the base library versions in
 * `WxLike`), as has wxsocket's `createWx`; an older `wx`-like may lack any of them, and then that condition is
 * simply never reported.
 */
import type { WxLike } from './wx-like.js';

/** What the socket hears. */
interface FieldListener {
  /** `wx.onAppHide`. */
  hidden(): void;
  /** `wx.onAppShow`. */
  shown(): void;
  /** `wx.onNetworkStatusChange`: `online` is false when `isConnected` is false or the type is `none`. */
  networkChanged(online: boolean, networkType: string): void;
  /** `wx.getNetworkType`'s answer, unless a change was reported after the question. */
  networkKnown(online: boolean, networkType: string): void;
}

export class FieldEvents {
  readonly #wx: WxLike;
  readonly #app: boolean;
  readonly #listener: FieldListener;
  /** Network changes reported so far: an answer to an older question is not news. */
  #changes = 0;
  readonly #onHide = (): void => this.#listener.hidden();
  readonly #onShow = (): void => this.#listener.shown();
  readonly #onNetworkStatus = (result: unknown): void => {
    this.#changes++;
    const { isConnected, networkType } = (result ?? {}) as { isConnected?: unknown; networkType?: unknown };
    const type = typeof networkType === 'string' ? networkType : 'unknown';
    this.#listener.networkChanged(isConnected !== false && type !== 'none', type);
  };

  /** Listens at once; `app: false` leaves the app's lifecycle alone (`pauseInBackground: false`). */
  constructor(wx: WxLike, { app }: { app: boolean }, listener: FieldListener) {
    this.#wx = wx;
    this.#app = app;
    this.#listener = listener;
    if (app) {
      if (typeof wx.onAppHide === 'function') wx.onAppHide(this.#onHide);
      if (typeof wx.onAppShow === 'function') wx.onAppShow(this.#onShow);
    }
    if (typeof wx.onNetworkStatusChange === 'function') wx.onNetworkStatusChange(this.#onNetworkStatus);
  }

  /** Asks `wx.getNetworkType`, where it exists; the answer comes to `networkKnown`. */
  askNetworkType(): void {
    const wx = this.#wx;
    if (typeof wx.getNetworkType !== 'function') return;
    const asked = this.#changes;
    try {
      // With callbacks, so no Promise is made (one that rejected unheard would be reported as unhandled).
      wx.getNetworkType({
        success: (result) => {
          const type = typeof result?.networkType === 'string' ? result.networkType : 'unknown';
          if (this.#changes === asked) this.#listener.networkKnown(type !== 'none', type);
        },
        fail: () => undefined, // nothing learnt; the change events still come
      });
    } catch {
      // A wx-like whose getNetworkType throws tells nothing; the socket works as without one.
    }
  }

  /** Removes every listener, each by its own function: called without one, `off*` removes every listener. */
  stop(): void {
    const wx = this.#wx;
    if (this.#app) {
      if (typeof wx.offAppHide === 'function') wx.offAppHide(this.#onHide);
      if (typeof wx.offAppShow === 'function') wx.offAppShow(this.#onShow);
    }
    if (typeof wx.offNetworkStatusChange === 'function') wx.offNetworkStatusChange(this.#onNetworkStatus);
  }
}
