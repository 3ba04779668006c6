/**
 * The metrics a virtual user reports, through the scenario's event emitter only, as Artillery's own engines do:
 * `emit('counter', name, value)`, `emit('histogram', name, value)`, `emit('rate', name)` and `emit('error', kind)`
 * (counted as `errors.<kind>`). Every name is here, so the list in docs/load-testing.md can be checked against it.
 */
import type { StepErrorKind } from './errors.js';

/** The emitter Artillery hands to `createScenario`: only `emit` is used. */
export interface ScenarioEvents {
  emit(event: string, ...args: unknown[]): unknown;
}

export const Metric = {
  /** Histogram: `connectSocket` → `onOpen`, in ms. */
  connectTime: 'wx.connect_time',
  /** Histograms of the `onOpen` `profile` parts (base library 2.10.4+): DNS, TCP and TLS, WebSocket handshake. */
  connectDns: 'wx.connect_time.dns',
  connectTcpTls: 'wx.connect_time.tcp_tls',
  connectHandshake: 'wx.connect_time.handshake',
  connectionsOpened: 'wx.connections_opened',
  connectionsFailed: 'wx.connections_failed',
  messagesSent: 'wx.messages_sent',
  bytesSent: 'wx.bytes_sent',
  sendRate: 'wx.send_rate',
  messagesReceived: 'wx.messages_received',
  bytesReceived: 'wx.bytes_received',
  receiveRate: 'wx.receive_rate',
  /** Histogram: the last `send` on the socket (or the step's start) → the message an `expect` matched. */
  messageLatency: 'wx.message_latency',
  /** Histogram: a reliable socket's connection lost → open again. */
  reconnectTime: 'wx.reconnect_time',
  reconnects: 'wx.reconnects',
  /** Messages an `idle` step received. */
  idleMessages: 'wx.idle_messages',
  /** Messages an `expect` with `skip` passed over. */
  expectSkipped: 'wx.expect_skipped',
  /** Unread messages dropped from a full inbox. */
  inboxDropped: 'wx.inbox_dropped',
  /** `background` steps, and those in which WeChat suspended the app (its sockets closed). */
  backgrounds: 'wx.background',
  suspensions: 'wx.suspended',
  /** Times offline (`network: {offline}`). */
  offline: 'wx.offline',
  /** Errors thrown by code the virtual user's `wx` called back (a `function` step's listeners). */
  listenerErrors: 'wx.listener_errors',
} as const;

/** `wx.close_code.<code>`: one per socket closed, by its `onClose` code. */
export const closeCodeMetric = (code: number): string => `wx.close_code.${code}`;
/** `wx.platform.<name>`: one per virtual user. */
export const platformMetric = (platform: string): string => `wx.platform.${platform}`;
/** `wx.connect_failed.<kind>`: one per failed connection attempt (reliable sockets retry; each attempt counts). */
export const connectFailedMetric = (kind: StepErrorKind): string => `wx.connect_failed.${kind}`;
/** `wx.message_latency.<name>`: for an `expect` with a `name`. */
export const namedLatencyMetric = (name: string): string => `${Metric.messageLatency}.${name}`;

/** Reports one virtual user's metrics. */
export class Metrics {
  readonly #events: ScenarioEvents;

  constructor(events: ScenarioEvents) {
    this.#events = events;
  }

  counter(name: string, value = 1): void {
    this.#events.emit('counter', name, value);
  }

  histogram(name: string, value: number): void {
    this.#events.emit('histogram', name, value);
  }

  rate(name: string): void {
    this.#events.emit('rate', name);
  }

  /** Counted by Artillery as `errors.<kind>`. */
  error(kind: string): void {
    this.#events.emit('error', kind);
  }

  /** One message sent or received: its counter, its bytes and its rate. */
  message(direction: 'sent' | 'received', data: string | ArrayBuffer): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (direction === 'sent') {
      this.counter(Metric.messagesSent);
      this.counter(Metric.bytesSent, bytes);
      this.rate(Metric.sendRate);
    } else {
      this.counter(Metric.messagesReceived);
      this.counter(Metric.bytesReceived, bytes);
      this.rate(Metric.receiveRate);
    }
  }
}
