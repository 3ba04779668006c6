/**
 * The conformance env on Node: the `ws` transport (or another given one) and the test kit in the same process.
 */
import { createWx } from '../../src/node.js';
import type { WxOptions } from '../../src/options.js';
import { createTestServer, echo, type TestClient } from '../../src/testing/index.js';
import type { Transport } from '../../src/transport.js';
import { NEWEST_SDK_VERSION, compareVersions, parseVersion } from '../../src/versions.js';
import type { Capabilities, ConformanceEnv, ConformanceServer, ServerClient, ServerOptions } from './env.js';

export interface NodeEnvOptions {
  readonly platform: 'android' | 'ios';
  readonly SDKVersion?: string;
  /** A transport other than the default `ws` (e.g. the native one on Node 22+). */
  readonly transport?: { readonly name: string; readonly create: Transport; readonly capabilities: Capabilities };
}

const WS_CAPABILITIES: Capabilities = {
  requestHeaders: true,
  responseHeaders: true,
  tls: true,
  fullProfile: true,
  handshakeFailureDetail: true,
  errorOnDrop: false,
  tellsStreamEnd: true,
};

export function nodeEnv({ platform, SDKVersion, transport }: NodeEnvOptions): ConformanceEnv {
  const version = SDKVersion ?? NEWEST_SDK_VERSION;
  return {
    label: `${platform}, base library ${SDKVersion ?? `${version} (default)`}, ${transport?.name ?? 'ws'} transport`,
    platform,
    SDKVersion: version,
    capabilities: transport?.capabilities ?? WS_CAPABILITIES,
    createWx(options: WxOptions = {}) {
      return createWx({
        platform,
        ...(SDKVersion !== undefined && { SDKVersion }),
        ...(transport && { transport: transport.create }),
        ...options,
      });
    },
    startServer: startNodeServer,
    atLeast(other: string) {
      return compareVersions(parseVersion(version)!, parseVersion(other)!) >= 0;
    },
  };
}

export async function startNodeServer(options: ServerOptions = {}): Promise<ConformanceServer> {
  const choice = options.protocol ?? 'first';
  const server = await createTestServer({
    ...(options.secure !== undefined && { secure: options.secure }),
    ...(options.hostname !== undefined && { hostname: options.hostname }),
    ...(options.headers !== undefined && { headers: options.headers }),
    ...(options.fault !== undefined && { fault: options.fault }),
    ...(options.perMessageDeflate !== undefined && { perMessageDeflate: options.perMessageDeflate }),
    selectProtocol: (offered) => (choice === 'first' ? offered[0] : choice === 'none' ? false : choice.fixed),
    ...(options.echo !== false && { handler: echo }),
  });
  return {
    url: server.url,
    wxOptions: server.wxOptions as ConformanceServer['wxOptions'],
    nextConnection: async () => wrapClient(await server.nextConnection()),
    handshakes: async () => server.handshakes.map(({ headers, protocols }) => ({ headers, protocols })),
    connectionCount: async () => server.connectionCount,
    close: () => server.close(),
  };
}

function wrapClient(client: TestClient): ServerClient {
  return {
    async nextMessage() {
      const { data, binary } = await client.nextMessage();
      if (typeof data === 'string') return { data, binary };
      return { data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, binary };
    },
    send: (data) => client.send(data),
    close: (code, reason) => client.close(code, reason),
    waitForClose: () => client.waitForClose(),
    inject: (fault) => client.inject(fault),
  };
}
