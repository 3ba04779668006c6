/**
 * `wxsocket/testing` (Node only): a real local ws/wss server for tests, with generated certificates, scripted
 * behaviour, a fault catalogue and awaitable helpers. Guide: docs/testing.md.
 *
 * Not exported: the DER and frame writers and the certificate authority internals, which are implementation
 * details of the faults; `createTestCertificates` is the supported way to get certificates.
 */
import '../node-host.js';

export { createTestServer, echo, type TestServer, type TestServerOptions } from './server.js';
export type { TestClient, TestMessage, TestData, CloseInfo, HandshakeRequest } from './client.js';
export type { Fault, HandshakeFault, ConnectionFault, FaultPlan } from './faults.js';
export { createTestCertificates, type TestCertificateOptions, type TestCertificates } from './certificates.js';
export type { WaitOptions } from './waiting.js';
export type { TestServerWxOptions } from './wx-options.js';
