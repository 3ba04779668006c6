/**
 * The echo server of the benchmarks: plain `ws` on 127.0.0.1, port 0, in its own process so that its work is not
 * counted against the client under test. Started by the runner with an IPC channel: it sends `{port}` once
 * listening, and exits when the runner disconnects or dies.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  // Neither client offers compression; the server would refuse it anyway, so both see the same wire.
  perMessageDeflate: false,
  // 10,000 idle connections are tracked by the benchmark itself, not by ws.
  clientTracking: false,
  // The 10,000-connection workload opens in batches of at most a few hundred; a deep backlog avoids SYN retries.
  backlog: 4096,
});

server.on('connection', (socket: WebSocket) => {
  socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
  // A client that vanishes (a driver killed by its time limit) must not crash the server.
  socket.on('error', () => socket.terminate());
});

server.on('listening', () => {
  const address = server.address();
  if (typeof address === 'string' || address === null) throw new Error('echo server: no TCP address');
  process.send?.({ port: address.port });
});

// Bound to the runner's life: no orphan server when the runner ends in any way.
process.on('disconnect', () => process.exit(0));
