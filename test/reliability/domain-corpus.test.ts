/**
 * The domain-check corpus (test/fixtures/url-corpus.ts) through the whole `wx.connectSocket` path, not only the
 * policy function: on both profiles, before and after the 2.4.0 LAN rule, a refused URL never reaches the transport
 * (no byte leaves: the test's transport records every attempt), ends in `onError` with the profile's text and no
 * `onClose`; an allowed URL reaches the transport unchanged, and only ever one whose WHATWG host is listed or LAN.
 * The transport here never connects anywhere (the corpus holds private-range addresses: no traffic may go there).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import type { SocketTask } from '../../src/types.js';
import { CORPUS_DOMAINS, URL_CORPUS, expectedAnswer } from '../fixtures/url-corpus.js';
import { FakeNetwork } from './fake-network.js';
import { turns, until } from '../helpers/leaks.js';

const URL_PATTERN = /^(ws|wss):\/\/.*/i;
const LISTED = new Set(CORPUS_DOMAINS.map((entry) => entry.replace(/^wss:\/\//, '').toLowerCase()));
const LAN = /^(10\.\d+|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+$/;
const DOMAIN_TEXT = {
  android: 'fail:url not in domain list',
  ios: 'createSocketTask:fail url not in domain list',
} as const;

for (const platform of ['android', 'ios'] as const) {
  describe(`${platform}: the URL corpus through wx.connectSocket`, () => {
    for (const [SDKVersion, allowLan] of [
      ['2.3.2', false],
      ['2.4.0', true],
    ] as const) {
      test(`§5 base library ${SDKVersion}: refused URLs never reach the transport, allowed ones reach it unchanged (${URL_CORPUS.length} URLs)`, async () => {
        const network = new FakeNetwork(() => 'refuse');
        const wx = createWx({ platform, SDKVersion, domains: [...CORPUS_DOMAINS], transport: network.transport });
        const wrong: string[] = [];
        for (const entry of URL_CORPUS) {
          const requestsBefore = network.requests.length;
          const results: string[] = [];
          const events: string[] = [];
          const task = wx.connectSocket({
            url: entry.url,
            success: ({ errMsg }) => void results.push(errMsg),
            fail: ({ errMsg }) => void results.push(errMsg),
          }) as SocketTask | undefined;
          task?.onError(({ errMsg }) => void events.push(`error ${errMsg}`));
          task?.onClose(({ code }) => void events.push(`close ${code}`));
          await until(() => results.length > 0 && (task === undefined || task.readyState === 3) && network.quiet, {
            maxTurns: 100,
          });
          await turns(2); // an onClose that must not come would come by now
          const requests = network.requests.slice(requestsBefore);
          const show = `${JSON.stringify(entry.url)} (${entry.why})`;
          if (!URL_PATTERN.test(entry.url)) {
            // Refused by §1 step 3 before the domain check: no task at all.
            if (task !== undefined || results[0] !== `connectSocket:fail invalid url "${entry.url}"`)
              wrong.push(`${show}: ${results.join()}`);
          } else if (expectedAnswer(entry, allowLan)) {
            if (requests.length !== 1 || requests[0]!.url !== entry.url)
              wrong.push(
                `${show}: allowed but the transport got ${JSON.stringify(requests.map((request) => request.url))}`,
              );
            if (results[0] !== 'connectSocket:ok') wrong.push(`${show}: ${results.join()}`);
          } else {
            if (requests.length > 0) wrong.push(`${show}: REFUSED URL REACHED THE TRANSPORT`);
            if (results[0] !== 'connectSocket:ok')
              wrong.push(`${show}: success must still fire, got ${results.join()}`);
            if (events.join() !== `error ${DOMAIN_TEXT[platform]}`) wrong.push(`${show}: events ${events.join()}`);
          }
          for (const request of requests) {
            const host = new URL(request.url).hostname;
            if (!LISTED.has(host) && !(allowLan && LAN.test(host))) wrong.push(`${show}: BYPASS to ${host}`);
          }
        }
        assert.deepEqual(wrong, []);
        assert.ok(network.quiet);
      });
    }
  });
}
