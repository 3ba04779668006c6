/**
 * A virtual user's named socket, plain (one `SocketTask`) or reliable (`wxsocket/reliable`, which reconnects with
 * backoff): what the steps use, whichever it is. Both keep an inbox and report the same metrics.
 */
import type { TimerHandle } from '../host-timers.js';
import type { SocketProfile } from '../transport.js';
import { StepError } from './errors.js';
import type { Inbox } from './inbox.js';
import { Metric, closeCodeMetric, type Metrics } from './metrics.js';
import { clearTimer, setTimer } from './timers.js';

/** What `connect` asks for, templates filled in. */
export interface ConnectRequest {
  readonly url: string;
  readonly header?: Record<string, string>;
  readonly protocols?: string[];
  /** Handshake timeout (ms), passed to `connectSocket` (base library 2.10.0+; app.json's value before). */
  readonly timeout: number;
  readonly perMessageDeflate?: boolean;
}

export interface VuSocket {
  readonly name: string;
  readonly inbox: Inbox;
  readonly reliable: boolean;
  /** When the last message was sent (`performance.now()`), for `wx.message_latency`. */
  readonly lastSendAt: number | undefined;
  /** Whether a connection is open now. */
  readonly isOpen: boolean;
  /** Whether the socket is closed for good (no reconnection will follow). */
  readonly isClosed: boolean;
  /** Sends one message; rejects with a `StepError` (`socket_closed`, `send_failed`). */
  send(data: string | ArrayBuffer): Promise<void>;
  /** Closes for good and waits for the end (at most `timeout` ms); rejects with a `StepError`. */
  close(code: number, reason: string, timeout: number): Promise<void>;
  /** Resolves once the socket is closed for good. */
  readonly closed: Promise<void>;
}

/** Records an opened connection: `connect_time` from `startedAt`, and the profile's parts when there is one. */
export function recordOpen(metrics: Metrics, startedAt: number, profile: SocketProfile | undefined): void {
  metrics.counter(Metric.connectionsOpened);
  metrics.histogram(Metric.connectTime, performance.now() - startedAt);
  if (profile === undefined) return;
  metrics.histogram(Metric.connectDns, profile.domainLookUpEnd - profile.domainLookUpStart);
  metrics.histogram(Metric.connectTcpTls, profile.rtt);
  metrics.histogram(Metric.connectHandshake, profile.handshakeCost);
}

/** Records the end of a connection that was open. */
export function recordClose(metrics: Metrics, code: number): void {
  metrics.counter(closeCodeMetric(code));
}

/** Runs `wait` for at most `timeout` ms; past that, rejects with `onTimeout()`. */
export async function within<T>(timeout: number, wait: Promise<T>, onTimeout: () => StepError): Promise<T> {
  let timer: TimerHandle;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimer(() => reject(onTimeout()), timeout);
  });
  try {
    return await Promise.race([wait, expired]);
  } finally {
    clearTimer(timer);
  }
}
