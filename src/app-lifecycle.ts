/**
 * The app lifecycle (contract §8.1): `wx.onAppShow`/`onAppHide`/`offAppShow`/`offAppHide`, and what hiding and
 * suspending the app does to its sockets. One state field, changed by three transitions (`hide`, `suspend`, `show`)
 * that the phone control (`phone.ts`) calls.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/base/app/app-event/wx.onAppShow.html
 */
import type { FieldProgram } from './field-program.js';
import type { LaunchOptions } from './field-options.js';
import { ListenerList } from './listener-list.js';
import { later } from './schedule.js';
import type { OnAppHideListenerResult, OnAppShowListenerResult } from './types.js';

/** In the foreground; hidden (still running); or suspended (no JS runs, no socket is open). */
export type AppState = 'foreground' | 'background' | 'suspended';

/** `onAppHide`'s `reason` when the app simply goes to the background: 3, "other" [doc, ours: the default]. */
export const DEFAULT_HIDE_REASON = 3;

export class AppLifecycle {
  readonly #program: FieldProgram;
  readonly #showListeners = new ListenerList<OnAppShowListenerResult>();
  readonly #hideListeners = new ListenerList<OnAppHideListenerResult>();
  #state: AppState = 'foreground';
  /** The pending suspension after a hide. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** The `wx` methods, as functions of the program (`wx.ts`); from base library 2.1.2 on, as versions.ts says. */
  static readonly api: Readonly<Record<string, (program: { lifecycle: AppLifecycle }, listener: unknown) => void>> = {
    onAppShow: ({ lifecycle }, listener) => lifecycle.#showListeners.add(listener),
    onAppHide: ({ lifecycle }, listener) => lifecycle.#hideListeners.add(listener),
    offAppShow: ({ lifecycle }, listener) => lifecycle.#showListeners.remove(listener),
    offAppHide: ({ lifecycle }, listener) => lifecycle.#hideListeners.remove(listener),
  };

  constructor(program: FieldProgram) {
    this.#program = program;
  }

  get state(): AppState {
    return this.#state;
  }

  /**
   * The app goes to the background: `onAppHide` on a later turn, then the suspension after `suspendDelay` ms,
   * unless a background mode keeps the app running [doc]. Already hidden or suspended: nothing changes.
   */
  hide(reason: 0 | 1 | 2 | 3, suspendDelay: number): void {
    if (this.#state !== 'foreground') return;
    this.#background(reason);
    if (this.#program.settings.field.runsInBackground || suspendDelay === Infinity) return;
    // Looked up at each call, so fake timers installed after import drive the suspension (docs/field-conditions.md).
    // `suspend` lets go of the timer, as `show` would have cancelled it.
    this.#timer = globalThis.setTimeout(() => this.suspend(), suspendDelay);
  }

  /**
   * The app is suspended now (hidden first when it was in the foreground): every socket not CLOSED is closed from
   * the client side, and nothing is delivered until `show` [doc; src Android].
   */
  suspend(): void {
    if (this.#state === 'suspended') return;
    if (this.#state === 'foreground') this.#background(DEFAULT_HIDE_REASON);
    this.#cancelTimer();
    this.#state = 'suspended';
    this.#program.gate.close();
    for (const task of this.#program.liveTasks()) task.interrupt();
  }

  /**
   * The app comes to the foreground: on a later turn, `onAppShow` with the launch, then everything held while it
   * was suspended, in order [field: a socket's onClose comes after onShow]. Already in the foreground: nothing.
   */
  show(launch: Readonly<Required<LaunchOptions>>): void {
    if (this.#state === 'foreground') return;
    this.#cancelTimer();
    this.#state = 'foreground';
    const { features, report } = this.#program.settings;
    const result: OnAppShowListenerResult = {
      ...launch,
      query: { ...launch.query },
      referrerInfo: { ...launch.referrerInfo },
    };
    if (features.apiCategory) result.apiCategory = 'default';
    later(() => {
      this.#showListeners.emit(result, report, 'wx.onAppShow listener');
      // Suspended again before this turn came: what is held stays held until the next show.
      if (this.#state !== 'suspended') this.#program.gate.open();
    });
  }

  /** The pending suspension, if any, is called off (so that no timer outlives a test that shows the app). */
  #cancelTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #background(reason: 0 | 1 | 2 | 3): void {
    this.#state = 'background';
    const result: OnAppHideListenerResult = this.#program.settings.features.hideReason ? { reason } : {};
    const { report } = this.#program.settings;
    // Not through the gate: the hide came before the suspension it leads to.
    later(() => this.#hideListeners.emit(result, report, 'wx.onAppHide listener'));
  }
}
