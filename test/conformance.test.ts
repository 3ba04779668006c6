/**
 * The conformance suite on Node with the `ws` transport: every suite, for both profiles and several base library
 * versions (contract §7, §4). The same suites run in Chromium (test/browser/).
 */
import { describe, it } from 'node:test';
import { nodeEnv } from './conformance/node-env.js';
import { SUITES, MATRIX_VERSIONS } from './conformance/index.js';

for (const platform of ['android', 'ios'] as const) {
  for (const SDKVersion of MATRIX_VERSIONS) {
    const env = nodeEnv({ platform, ...(SDKVersion !== undefined && { SDKVersion }) });
    describe(env.label, () => {
      for (const [name, suite] of Object.entries(SUITES)) {
        describe(name, () => {
          suite(env, (title, body, options = {}) => {
            it(title, { timeout: 15_000, ...(options.skip && { skip: options.skip }) }, body);
          });
        });
      }
    });
  }
}
