/**
 * The additive listener lists of WeChat's app and device events (`wx.onAppShow`, `wx.onNetworkStatusChange`, …,
 * contract §8), unlike the single-slot `wx.onSocket*`: every listener added is called, in order; `off*(listener)`
 * removes that function, `off*()` removes them all [doc].
 */
import { invokeSafely, type ErrorReporter } from './report.js';

export class ListenerList<R> {
  #listeners: Function[] = [];

  /** Adds a listener; a non-function is ignored, as the socket API's listeners are [lib]. */
  add(listener: unknown): void {
    if (typeof listener === 'function') this.#listeners.push(listener);
  }

  /**
   * `off*`: without a listener (or with `undefined`), removes all [doc]; with a function, every registration of it
   * [ours]; anything else is ignored [ours: `off*(null)` must not silently drop every listener].
   */
  remove(listener?: unknown): void {
    if (listener === undefined) this.#listeners = [];
    else if (typeof listener === 'function') this.#listeners = this.#listeners.filter((entry) => entry !== listener);
  }

  /**
   * Calls every listener with `result`; one that throws is reported and the others still run (§0.3). Listeners
   * added or removed during the dispatch take effect from the next one.
   */
  emit(result: R, report: ErrorReporter, where: string): void {
    const listeners = this.#listeners; // `remove` replaces the array; `add` appends past `count`
    for (let i = 0, count = listeners.length; i < count; i++) invokeSafely(listeners[i]!, result, report, where);
  }
}
