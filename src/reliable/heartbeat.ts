/**
 * The application heartbeat and the dead-connection watch of one open connection.
 *
 * Mini programs cannot send WebSocket pings (SocketTask has no `ping`), and a connection whose peer vanished
 * without a FIN or RST (a phone changing networks, a NAT forgetting the mapping) reports nothing for minutes: only
 * traffic proves it alive. So every `interval` ms a heartbeat message goes out, and a connection on which nothing
 * arrives for `timeout` ms is declared dead.
 */
import type { Settings, Timers } from './options.js';

/** What the heartbeat asks of the socket. */
export interface HeartbeatHost {
  /** Sends a heartbeat message on the open connection. */
  beat(): void;
  /** Nothing arrived for `timeout` ms. */
  dead(): void;
}

export class Heartbeat {
  readonly #settings: NonNullable<Settings['heartbeat']>;
  readonly #timers: Timers;
  readonly #host: HeartbeatHost;
  #beatTimer: unknown;
  #deadTimer: unknown;
  #running = false;

  constructor(settings: NonNullable<Settings['heartbeat']>, timers: Timers, host: HeartbeatHost) {
    this.#settings = settings;
    this.#timers = timers;
    this.#host = host;
  }

  /** The connection opened: heartbeats start, and the silence watch with them. */
  start(): void {
    this.stop();
    this.#running = true;
    this.#scheduleBeat();
    this.#watch();
  }

  /** A message arrived: the connection is alive, the silence watch starts again. */
  received(): void {
    if (this.#running) this.#watch();
  }

  /** The connection is closing or gone: every timer is cleared. */
  stop(): void {
    this.#running = false;
    this.#clear('beat');
    this.#clear('dead');
  }

  #scheduleBeat(): void {
    const { message, interval } = this.#settings;
    if (message === undefined) return; // the server sends the heartbeats; only silence is watched
    this.#beatTimer = this.#timers.setTimeout(() => {
      this.#beatTimer = undefined;
      if (!this.#running) return;
      // A fixed rhythm, whatever else is sent or received: servers commonly time clients out on their silence.
      this.#scheduleBeat();
      this.#host.beat();
    }, interval);
  }

  #watch(): void {
    this.#clear('dead');
    this.#deadTimer = this.#timers.setTimeout(() => {
      this.#deadTimer = undefined;
      if (!this.#running) return;
      this.stop();
      this.#host.dead();
    }, this.#settings.timeout);
  }

  #clear(which: 'beat' | 'dead'): void {
    const handle = which === 'beat' ? this.#beatTimer : this.#deadTimer;
    if (handle === undefined) return;
    this.#timers.clearTimeout(handle);
    if (which === 'beat') this.#beatTimer = undefined;
    else this.#deadTimer = undefined;
  }
}
