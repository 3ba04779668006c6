/**
 * Contract §5 and §1 (timeouts) through `wx.connectSocket`, with a recording transport: a URL the domain check
 * refuses must never reach the transport (so it opens no network connection at all), on both profiles and on each
 * side of the 2.4.0 LAN rule. The transport opens nothing either: it only records and fails.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { hostTimers, type HostTimers } from '../../src/host-timers.js';
import { createWx } from '../../src/node.js';
import { createTestServer } from '../../src/testing/index.js';
import type { Transport } from '../../src/transport.js';
import { Log, callbacks, recordTask, settle } from '../conformance/recorder.js';
import { CORPUS_DOMAINS, URL_CORPUS, expectedAnswer } from '../fixtures/url-corpus.js';
import { turn } from '../helpers/leaks.js';

/** A transport that records the URLs it is asked to open and fails each at once, touching no network. */
function recordingTransport(opened: string[]): Transport {
  return (request, handlers) => {
    opened.push(request.url);
    queueMicrotask(() => {
      handlers.onError('transport', new Error('recording transport: no network'));
      handlers.onClose(1006, '');
    });
    return { send() {}, close() {}, abort() {}, bufferedAmount: 0 };
  };
}

const urls = URL_CORPUS.filter((entry) => /^wss?:\/\//i.test(entry.url));

describe('§5 the domain check through connectSocket', () => {
  for (const platform of ['android', 'ios'] as const) {
    for (const SDKVersion of ['2.3.0', '2.4.0']) {
      const allowLan = SDKVersion === '2.4.0';
      it(`§5 ${platform}, base library ${SDKVersion}: every refused corpus URL ends with onError alone and reaches no transport`, async () => {
        const opened: string[] = [];
        const wx = createWx({
          platform,
          SDKVersion,
          domains: [...CORPUS_DOMAINS],
          maxConnections: Infinity,
          transport: recordingTransport(opened),
        });
        const expectedError =
          platform === 'ios'
            ? { errMsg: 'createSocketTask:fail url not in domain list' }
            : { errMsg: 'fail:url not in domain list', errCode: 1004 };
        const logs = urls.map((entry) => {
          const log = new Log();
          const task = wx.connectSocket({ url: entry.url, ...callbacks(log) });
          recordTask(task, log);
          return { entry, log };
        });
        await settle(5);
        const refusedUrls: string[] = [];
        for (const { entry, log } of logs) {
          const allowed = expectedAnswer(entry, allowLan);
          assert.equal(log.only('success').errMsg, 'connectSocket:ok', entry.url);
          if (allowed) {
            assert.deepEqual(
              log.names().filter((name) => name === 'error' || name === 'close'),
              ['error', 'close'],
              entry.url,
            );
            assert.notDeepEqual(
              log.only('error'),
              expectedError,
              `${entry.url} was allowed, so it reached the transport`,
            );
          } else {
            refusedUrls.push(entry.url);
            assert.deepEqual(log.names(), ['success', 'complete', 'error'], `${entry.url}: ${entry.why}`);
            assert.deepEqual(log.only('error'), expectedError);
          }
        }
        assert.ok(refusedUrls.length >= 50, `the corpus refuses ${refusedUrls.length} URLs`);
        for (const url of refusedUrls) assert.equal(opened.includes(url), false, `${url} reached the transport`);
        assert.equal(opened.length, urls.length - refusedUrls.length);
      });
    }
  }
});

describe('§1 handshake timeout', () => {
  it('§1 without timeout or networkTimeout, the handshake is given exactly 60000 ms', async () => {
    const server = await createTestServer({ fault: { type: 'no-upgrade-response' } });
    // The handshake timer is the host's real one (fake timers do not reach it, as they do not reach WeChat's native
    // timer): routed through the global setTimeout for this test, so node:test's mock clock drives it.
    const real = { ...hostTimers };
    Object.assign(hostTimers, <Partial<HostTimers>>{
      setTimeout: (callback, delay) => globalThis.setTimeout(callback, delay),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
    });
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const wx = createWx();
      const task = wx.connectSocket({ url: server.url });
      const log = recordTask(task);
      await server.nextHandshake(); // the attempt has started, and with it the timer
      mock.timers.tick(59_999);
      await turn(); // a turn; `settle` would wait on the mocked setTimeout
      assert.deepEqual(log.names(), []);
      mock.timers.tick(1);
      await log.waitFor('close');
      assert.equal(log.only('error').errMsg, 'open fail: _code:9,_msg:Timer Expired');
    } finally {
      mock.timers.reset();
      Object.assign(hostTimers, real);
      await server.close();
    }
  });
});
