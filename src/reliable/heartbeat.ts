/**
 * The application heartbeat and the dead-connection watch of one open connection.
 *
 * Mini programs cannot send WebSocket pings (SocketTask has no `ping`), and a connection whose peer vanished
 * without a FIN or RST (a phone changing networks, a NAT forgetting the mapping) reports nothing for minutes: only
 * traffic proves it alive. So every `interval` ms a heartbeat message goes out, and a connection on which nothing
 * arrives for `timeout` ms is declared dead.
 *
 * An incoming message only sets a flag: the watch looks at it every `timeout / 2` ms, and two looks in a row that
 * find it unset mean a silence of at least `timeout`. So a busy connection costs no timer per message, and a dead one
 * is found between `timeout` and 1.5 × `timeout` after its last message (exactly `timeout` when nothing ever came).
 */
import type { Settings, Timers } from './options.js';

/** What the heartbeat asks of the socket. */
interface HeartbeatHost {
  /** Sends a heartbeat message on the open connection. */
  beat(): void;
  /** Nothing arrived for `timeout` ms. */
  dead(): void;
}

/** Looks at the traffic flag per `timeout`; a silence of this many looks in a row is a dead connection. */
const LOOKS_PER_TIMEOUT = 2;

export class Heartbeat {
  readonly #settings: NonNullable<Settings['heartbeat']>;
  readonly #timers: Timers;
  readonly #host: HeartbeatHost;
  #beatTimer: unknown;
  #watchTimer: unknown;
  /** Whether a message arrived since the watch last looked. */
  #heard = false;
  /** Looks in a row that found nothing. */
  #silentLooks = 0;

  constructor(settings: NonNullable<Settings['heartbeat']>, timers: Timers, host: HeartbeatHost) {
    this.#settings = settings;
    this.#timers = timers;
    this.#host = host;
  }

  /** The connection opened: heartbeats start, and the silence watch with them. */
  start(): void {
    this.stop();
    this.#heard = false;
    this.#silentLooks = 0;
    this.#scheduleBeat();
    this.#scheduleLook();
  }

  /** A message arrived: the connection is alive. */
  received(): void {
    this.#heard = true;
  }

  /** The connection is closing or gone: every timer is cleared. */
  stop(): void {
    if (this.#beatTimer !== undefined) this.#timers.clearTimeout(this.#beatTimer);
    if (this.#watchTimer !== undefined) this.#timers.clearTimeout(this.#watchTimer);
    this.#beatTimer = this.#watchTimer = undefined;
  }

  #scheduleBeat(): void {
    const { message, interval } = this.#settings;
    if (message === undefined) return; // the server sends the heartbeats; only silence is watched
    this.#beatTimer = this.#timers.setTimeout(() => {
      // A fixed rhythm, whatever else is sent or received: servers commonly time clients out on their silence.
      this.#scheduleBeat();
      this.#host.beat();
    }, interval);
  }

  #scheduleLook(): void {
    this.#watchTimer = this.#timers.setTimeout(() => {
      if (this.#heard) {
        this.#heard = false;
        this.#silentLooks = 0;
      } else if (++this.#silentLooks === LOOKS_PER_TIMEOUT) {
        this.stop();
        return this.#host.dead();
      }
      this.#scheduleLook();
    }, this.#settings.timeout / LOOKS_PER_TIMEOUT);
  }
}
