/**
 * The delivery gate of one mini program (contract §8.1): while the app is suspended its JS thread does not run, so no
 * socket event, callback or timer-driven result reaches it. What becomes due meanwhile is held, in order, and
 * delivered when the app shows again, after the `onAppShow` listeners.
 *
 * Only the paths that can deliver during a suspension pass through it: a task's terminal event (every socket is
 * closed when the app is suspended, so no `onOpen` or `onMessage` can become due) and the end of API calls
 * (`Completion`). The per-message path never looks at it.
 */
export class DeliveryGate {
  /** What became due while closed, oldest first; `undefined` while open. */
  #held: (() => void)[] | undefined;

  get closed(): boolean {
    return this.#held !== undefined;
  }

  /** From now on, deliveries are held. */
  close(): void {
    this.#held ??= [];
  }

  /** Holds `delivery` when the gate is closed (and says so); when open, returns `false`: deliver it now. */
  hold(delivery: () => void): boolean {
    if (this.#held === undefined) return false;
    this.#held.push(delivery);
    return true;
  }

  /**
   * Delivers what was held, in order. A delivery may close the gate again (a listener that suspends the app): the
   * rest then stays held, ahead of anything held later.
   */
  open(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held === undefined) return;
    for (let i = 0; i < held.length; i++) {
      // A delivery may have closed the gate again: `this.closed` is read afresh each time.
      if (this.closed) {
        this.#held!.unshift(...held.slice(i));
        return;
      }
      held[i]!();
    }
  }
}
