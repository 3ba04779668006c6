/** Test servers that close by themselves once the current test file (or suite) is done. */
import { after } from 'node:test';
import { createTestServer, type TestServer, type TestServerOptions } from '../../src/testing/index.js';

/** Registers an `after` hook, and returns a `start(options)` whose servers that hook closes. */
export function serversClosedAfter(): (options?: TestServerOptions) => Promise<TestServer> {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  return async (options = {}) => {
    const server = await createTestServer(options);
    servers.push(server);
    return server;
  };
}
