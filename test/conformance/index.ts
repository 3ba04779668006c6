/** Every conformance suite, and the base library versions the matrix runs them on. */
import { appLifecycleSuite } from './app-lifecycle.suite.js';
import { connectSocketSuite } from './connect-socket.suite.js';
import type { Suite } from './env.js';
import { globalApiSuite } from './global-api.suite.js';
import { limitsSuite } from './limits.suite.js';
import { networkSuite } from './network.suite.js';
import { socketTaskSuite } from './socket-task.suite.js';

export const SUITES: Readonly<Record<string, Suite>> = {
  'wx.connectSocket (§1)': connectSocketSuite,
  'SocketTask (§2)': socketTaskSuite,
  'global API and versions (§3, §4)': globalApiSuite,
  'domains and limits (§5, §6)': limitsSuite,
  'app lifecycle (§8.1)': appLifecycleSuite,
  'network (§8.2, §8.3)': networkSuite,
};

/** The default (newest) version, and versions on each side of the feature lines that matter (§4). */
export const MATRIX_VERSIONS: readonly (string | undefined)[] = [undefined, '2.10.1', '1.9.0', '1.6.0'];
