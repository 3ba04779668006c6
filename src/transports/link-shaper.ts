/**
 * The weak link of contract §8.3, on Node: one TCP (or TLS) connection's bytes delayed and throttled per direction,
 * as `TransportRequest.link` says at the moment they enter the link. Bytes are never lost, reordered or duplicated
 * (§0.7): each direction is one queue, served in order.
 *
 * A direction first transmits each chunk at the link's bandwidth (in slices of about 20 ms of it, so a change of
 * bandwidth applies within one slice), then holds it for the latency (plus jitter, never overtaking the chunk
 * before it). A write counts as done once transmitted, as a network card's does: sends complete late on a slow link.
 * On wss the shaping sits above TLS: the cleartext is what is counted and delayed; the TLS handshake itself is not.
 *
 * The link is the network, not the page: its delays run on the host's real timers and clock (host-timers.ts,
 * node-host.ts), as socket events and the handshake timeout do, so a test's fake timers neither hold back nor hurry
 * a weak link's bytes.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { hostTimers, type TimerHandle } from '../host-timers.js';
import { hostNow } from '../node-host.js';
import { isPositive } from '../option-keys.js';
import type { LinkDirection, NetworkLink } from '../transport.js';

/** The share of a second one slice of a bandwidth-limited transmission takes. */
const SLICE_SECONDS = 0.02;

/** What a direction delivers, in order: bytes, an end of stream (FIN), the socket's failure or its close. */
type Item = Buffer | 'end' | 'close' | Error;

/** One direction of the link: a queue in, `deliver` out. */
class Direction {
  readonly #conditions: () => LinkDirection | undefined;
  readonly #deliver: (item: Item) => void;
  /** Waiting to be transmitted, with the callback of the write each belongs to. */
  readonly #waiting: Array<{ item: Item; done?: ((error?: Error | null) => void) | undefined }> = [];
  /** Transmitted, waiting for their latency: `at` is when each is delivered, never before the one ahead. */
  readonly #inFlight: Array<{ at: number; item: Item }> = [];
  #transmitting: TimerHandle | undefined;
  #releasing: TimerHandle | undefined;
  #lastAt = 0;

  constructor(conditions: () => LinkDirection | undefined, deliver: (item: Item) => void) {
    this.#conditions = conditions;
    this.#deliver = deliver;
  }

  push(item: Item, done?: (error?: Error | null) => void): void {
    this.#waiting.push({ item, done });
    if (this.#transmitting === undefined) this.#transmit();
  }

  /**
   * Stops every timer; what was queued is dropped (the connection is gone), and the writes not yet transmitted fail,
   * as a socket's do when it is destroyed: a destroyed stream calls back no write whose `_write` never called back,
   * and `ws` would then never end the `send` of the bytes (§0.2).
   */
  stop(): void {
    hostTimers.clearTimeout(this.#transmitting);
    hostTimers.clearTimeout(this.#releasing);
    this.#transmitting = this.#releasing = undefined;
    this.#inFlight.length = 0;
    for (const { done } of this.#waiting.splice(0)) done?.(new Error('the network link went down'));
  }

  #transmit(): void {
    this.#transmitting = undefined;
    const head = this.#waiting[0];
    if (!head) return;
    const bandwidth = positive(this.#conditions()?.bandwidth);
    let item = head.item;
    let seconds = 0;
    let whole = true;
    if (bandwidth !== undefined && Buffer.isBuffer(item)) {
      const slice = Math.max(1, Math.floor(bandwidth * SLICE_SECONDS));
      if (item.length > slice) {
        head.item = item.subarray(slice);
        item = item.subarray(0, slice);
        whole = false;
      }
      seconds = item.length / bandwidth;
    }
    const sent = (): void => {
      // The write is done once its last byte is transmitted; until then it waits, so that `stop` can fail it.
      if (whole) this.#waiting.shift()!.done?.();
      this.#fly(item);
      this.#transmit();
    };
    if (seconds === 0) sent();
    else this.#transmitting = hostTimers.setTimeout(sent, seconds * 1000);
  }

  #fly(item: Item): void {
    const conditions = this.#conditions();
    const jitter = positive(conditions?.jitter);
    const delay = (positive(conditions?.latency) ?? 0) + (jitter === undefined ? 0 : Math.random() * jitter);
    const now = hostNow();
    const at = Math.max(now + delay, this.#lastAt);
    this.#lastAt = at;
    // Nothing ahead and nothing to wait for: straight through, so an idle link adds no turn.
    if (this.#inFlight.length === 0 && at <= now) return this.#deliver(item);
    this.#inFlight.push({ at, item });
    this.#release();
  }

  #release(): void {
    if (this.#releasing !== undefined) return;
    const now = hostNow();
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.at <= now) this.#deliver(this.#inFlight.shift()!.item);
    const next = this.#inFlight[0];
    if (next)
      this.#releasing = hostTimers.setTimeout(() => {
        this.#releasing = undefined;
        this.#release();
      }, next.at - now);
  }
}

const positive = (value: number | undefined): number | undefined => (isPositive(value) ? value : undefined);

/**
 * `socket` seen through `link`: what `ws` and `http` read and write instead of the socket itself. Socket options
 * (`setNoDelay`, `setTimeout`, `setKeepAlive`) go to the socket.
 */
export class ShapedSocket extends Duplex {
  readonly #socket: Socket;
  readonly #up: Direction;
  readonly #down: Direction;

  constructor(socket: Socket, link: NetworkLink) {
    super({ allowHalfOpen: true });
    this.#socket = socket;
    this.#up = new Direction(
      () => link.conditions?.up,
      (item) => {
        if (Buffer.isBuffer(item)) socket.write(item);
        else if (item === 'end') socket.end();
      },
    );
    this.#down = new Direction(
      () => link.conditions?.down,
      (item) => {
        if (Buffer.isBuffer(item)) {
          if (!this.push(item)) socket.pause();
        } else if (item === 'end') this.push(null);
        else if (!this.destroyed) this.destroy(item === 'close' ? undefined : item);
      },
    );
    socket.on('data', (chunk: Buffer) => this.#down.push(chunk));
    socket.on('end', () => this.#down.push('end'));
    // A failure or a close travels behind the bytes that came before it, as a reset does on the wire.
    socket.on('error', (error: Error) => this.#down.push(error));
    socket.on('close', () => this.#down.push('close'));
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#up.push(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#up.push('end', done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#up.stop();
    this.#down.stop();
    this.#socket.destroy();
    done(error);
  }

  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  setTimeout(timeout: number, callback?: () => void): this {
    this.#socket.setTimeout(timeout, callback);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.#socket.setKeepAlive(enable, delay);
    return this;
  }
}
