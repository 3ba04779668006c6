/**
 * One virtual user: one virtual mini program, with its own `wx` (platform, base library, `Referer`, socket limit and
 * global socket state) and its named sockets. Everything it opens is closed by `shutdown`, whatever happened.
 */
import { nodeSettings } from '../node-program.js';
import type { Settings as WxSettings } from '../options.js';
import { phoneOf, type Phone } from '../phone.js';
import type { SocketTask } from '../socket-task.js';
import type { ConnectSocketOption, Wx } from '../types.js';
import { connectSocketOf, createProgram, wxOf, type WxProgram } from '../wx.js';
import type { EngineSettings, Platform } from './config.js';
import { StepError } from './errors.js';
import { appended, itemsOf, type OneOrMany } from './one-or-many.js';
import type { Step } from './spec.js';
import { platformMetric, type Metrics, type ScenarioEvents } from './metrics.js';
import { PlainSocket } from './plain-socket.js';
import { ReliableVuSocket, type ReliableSettings } from './reliable-vu-socket.js';
import { within, type ConnectRequest, type VuSocket } from './vu-socket.js';

/** The context Artillery gives each virtual user: its variables, and whatever engines and hooks add. */
export interface ScenarioContext {
  vars: Record<string, unknown>;
  /** The virtual user's `wx`, for `function` steps. */
  wx?: Wx;
  [key: string]: unknown;
}

/** What Artillery passes engines as their third argument; only `template` is used. */
export interface EngineHelpers {
  /** Fills `{{ … }}` templates in a value (deeply in objects and arrays) from the context's variables. */
  template(value: unknown, context: ScenarioContext): unknown;
}

/** What the virtual users of one scenario share: made once per scenario, not per user. */
export interface Scenario {
  readonly steps: readonly Step[];
  /**
   * The flow has `background` or `network` steps. The phone is then taken before any connection, since only
   * connections opened after it feel a weak link; a flow without them pays nothing for it.
   */
  readonly usesPhone: boolean;
  readonly settings: EngineSettings;
  readonly helpers: EngineHelpers;
  /** The scenario's emitter, handed to `function` steps as Artillery's engines do. */
  readonly events: ScenarioEvents;
  readonly metrics: Metrics;
  /**
   * Counts errors thrown by listeners of `function` steps (`wx.listener_errors`) instead of printing one per virtual
   * user. One function for all: `wx` objects with the same reporter share their SocketTask class (1 KB each else).
   */
  readonly reportError: () => void;
  /** The settings of its mini programs, per platform (`wxSettingsOf`). */
  readonly wxSettings: Partial<Record<Platform, WxSettings>>;
}

/**
 * The settings of the scenario's mini programs on a platform, resolved at its first user and shared by the others (a
 * `createWx` would resolve them per user: 200 bytes each). They are read-only.
 */
function wxSettingsOf(scenario: Scenario, platform: Platform): WxSettings {
  const { settings } = scenario;
  return (scenario.wxSettings[platform] ??= nodeSettings({
    platform,
    ...(settings.SDKVersion !== undefined && { SDKVersion: settings.SDKVersion }),
    ...(settings.appId !== undefined && { appId: settings.appId }),
    ...(settings.appVersion !== undefined && { appVersion: settings.appVersion }),
    ...(settings.maxConnections !== undefined && { maxConnections: settings.maxConnections }),
    networkTimeout: { connectSocket: settings.timeout },
    tls: { ca: settings.ca },
    reportError: scenario.reportError,
  }));
}

/** The virtual user a context belongs to, for its `wx` getter; a symbol, so not among the context's keys. */
const USER = Symbol('wxsocket virtual user');

/**
 * `context.wx`, the same for every context: the virtual user's `wx`, made at the first read. An accessor the contexts
 * share (a function per user would give each context a hidden class of its own). Assigning replaces it, as it would a
 * plain property.
 */
const WX_PROPERTY: PropertyDescriptor = {
  get(this: { [USER]: VirtualUser }): Wx {
    return this[USER].wx;
  },
  set(this: object, value: unknown): void {
    Object.defineProperty(this, 'wx', { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

export class VirtualUser {
  readonly context: ScenarioContext;
  readonly scenario: Scenario;
  /**
   * The mini program, without its `wx` object until someone asks for it (`wx`): most scenarios never do, and it is
   * about 1 KB of bound methods. The engine's own sockets go through the same `connectSocket`.
   */
  readonly #program: WxProgram;
  /**
   * Every socket ever made, oldest first, so that `shutdown` misses none; a name means the last one made under it.
   * Not a map by name as well: most users have one socket.
   */
  #all: OneOrMany<VuSocket>;

  constructor(scenario: Scenario, context: ScenarioContext) {
    this.scenario = scenario;
    this.context = context;
    const platform = scenario.settings.pickPlatform();
    this.metrics.counter(platformMetric(platform));
    this.#program = createProgram(wxSettingsOf(scenario, platform));
    Object.defineProperty(context, USER, { value: this });
    Object.defineProperty(context, 'wx', WX_PROPERTY);
    if (scenario.usesPhone) phoneOf(this.wx);
  }

  /** The virtual user's `wx` (`context.wx` of `function` steps), made at the first call; the same one after that. */
  get wx(): Wx {
    return wxOf(this.#program);
  }

  /** `wx.connectSocket`, without making the `wx` object. */
  connectSocket(option: ConnectSocketOption): SocketTask | undefined {
    return connectSocketOf(this.#program, option);
  }

  get settings(): EngineSettings {
    return this.scenario.settings;
  }

  get metrics(): Metrics {
    return this.scenario.metrics;
  }

  get events(): ScenarioEvents {
    return this.scenario.events;
  }

  /** The virtual user's emulated phone (contract §8). */
  phone(): Phone {
    return phoneOf(this.wx); // made once per wx
  }

  /** `value` with its templates filled from this user's variables. */
  template(value: unknown): unknown {
    return this.scenario.helpers.template(value, this.context);
  }

  /** The socket named `name`; a `StepError` when there is none. */
  socket(name: string): VuSocket {
    const socket = this.#named(name);
    if (!socket) throw new StepError('unknown_socket', `no socket "${name}": connect it first`);
    return socket;
  }

  /** Every socket not yet closed for good. */
  liveSockets(): VuSocket[] {
    return itemsOf(this.#all).filter((socket) => !socket.isClosed && this.#named(socket.name) === socket);
  }

  /**
   * Connects a socket under `name` and waits for it to open. A socket of that name still open is closed first
   * (code 1000), so a name always means one socket.
   */
  async connect(name: string, request: ConnectRequest, reliable: ReliableSettings | undefined): Promise<void> {
    const previous = this.#named(name);
    if (previous && !previous.isClosed) await previous.close(1000, '', this.settings.timeout);
    const { metrics, settings } = this;
    if (reliable === undefined) {
      await new Promise<void>((resolve, reject) =>
        this.#add(new PlainSocket(this, name, request, metrics, settings.inboxLimit, { resolve, reject })),
      );
    } else {
      const socket = new ReliableVuSocket(this.wx, name, request, reliable, metrics, settings.inboxLimit);
      this.#add(socket);
      // The first connection gets the handshake's time; a reliable socket retries within it.
      await socket.reconnect(false, request.timeout, true);
    }
  }

  /** Closes every socket still open (1000) and waits for each to end, at most the timeout each, all at once. */
  async shutdown(): Promise<void> {
    const { timeout } = this.settings;
    await Promise.all(
      itemsOf(this.#all).map(async (socket) => {
        if (socket.isClosed) return;
        await socket.close(1000, '', timeout).catch(() => undefined);
        // A close refused (already closing) still ends: wait for it, within the same bound.
        await within(timeout, socket.closed, () => new StepError('close_timeout', socket.name)).catch(() => undefined);
      }),
    );
  }

  #named(name: string): VuSocket | undefined {
    const all = this.#all;
    if (!Array.isArray(all)) return all?.name === name ? all : undefined; // no array made for the usual one socket
    for (let i = all.length - 1; i >= 0; i--) if (all[i]!.name === name) return all[i];
    return undefined;
  }

  #add(socket: VuSocket): void {
    this.#all = appended(this.#all, socket);
  }
}
