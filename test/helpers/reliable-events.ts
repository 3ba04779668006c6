import type { ReliableSocket, ReliableSocketEventMap } from '../../src/reliable/index.js';

/** Resolves with the reliable socket's next event of this type (bounded by the test's own timeout). */
export function nextEvent<K extends keyof ReliableSocketEventMap>(
  socket: ReliableSocket,
  type: K,
): Promise<ReliableSocketEventMap[K]> {
  return new Promise((resolve) => {
    const off = socket.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}
