/**
 * `wxsocket/testing` under the `browser` and `default` export conditions: the test kit needs Node (servers,
 * sockets, certificates), so this stub fails loudly instead of breaking somewhere inside a bundle.
 */
export {};

throw new Error(
  'wxsocket/testing runs on Node.js only (it starts real servers): import it from tests that run in Node, not from browser code.',
);
