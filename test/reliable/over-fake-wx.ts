// A reliable socket over a hand-controlled wx and driven timers: the set-up of the tests that need each request to
// land in an exact state (edges, requests, field).
import { createReliableSocket, type ReliableSocketOptions } from '../../src/reliable/index.js';
import { FakeWx } from './fake-wx.js';
import { EventLog, ManualTimers } from './helpers.js';

/** A socket to `wss://example.com/`, reconnecting after 100 ms without jitter unless `options` say otherwise. */
export function reliableOverFakeWx(options: Partial<ReliableSocketOptions> = {}, wx = new FakeWx()) {
  const timers = new ManualTimers();
  const socket = createReliableSocket(wx, {
    url: 'wss://example.com/',
    reconnect: { initialDelay: 100, jitter: 0 },
    timers,
    ...options,
  });
  return { wx, timers, socket, log: new EventLog(socket) };
}
