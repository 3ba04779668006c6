import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestServer } from '../../src/testing/index.js';
import { activeResources, leaked, turn } from '../helpers/leaks.js';
import { runWs } from './ws-client.js';

test('close() ends every connection and frees every handle, whatever state the connections were in', async () => {
  const before = activeResources();
  const plain = await createTestServer();
  const secure = await createTestServer({
    secure: true,
    fault: ({ number }) => (number === 2 ? { type: 'slow-upgrade-response', delay: 60_000 } : undefined),
  });
  const stalled = await createTestServer({ fault: { type: 'no-upgrade-response' } });
  const paused = await createTestServer({ fault: { type: 'slow-reader' } });

  const open = runWs(plain.url);
  const openSecure = runWs(secure.url, [], { ca: secure.certificates?.caPem ?? '' });
  const waitingForSlowAnswer = runWs(secure.url, [], { ca: secure.certificates?.caPem ?? '' });
  const neverAnswered = runWs(stalled.url);
  const backedUp = runWs(paused.url);
  await Promise.all([open.opened, openSecure.opened, backedUp.opened]);
  await Promise.all([secure.nextHandshake(), secure.nextHandshake(), stalled.nextHandshake()]);
  backedUp.ws.send(Buffer.alloc(4 * 1024 * 1024));
  // A wait still pending when the server closes must not keep anything alive either.
  const pendingWait = assert.rejects(
    plain.nextConnection().then(() => plain.nextConnection()),
    /closed/,
  );

  await Promise.all([plain.close(), secure.close(), stalled.close(), paused.close()]);
  await pendingWait;
  const outcomes = await Promise.all(
    [open, openSecure, waitingForSlowAnswer, neverAnswered, backedUp].map((run) => run.ended),
  );
  for (const outcome of outcomes) assert.equal(outcome.code, 1006);
  // Sockets report 'close' only once libuv has released them. Node queues a few immediates while tearing sockets
  // down (callbacks, not handles); one turn of the loop runs them. Then nothing is left of either side.
  await turn();
  assert.deepEqual(leaked(before), []);
});
