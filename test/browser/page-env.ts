/**
 * The conformance env in the page: `createWx` from the browser entry (native WebSocket), and test servers started
 * and driven in Node through the control channel (control-server.ts). Runs in Chromium: no Node built-ins.
 */
import { createWx } from '../../src/browser.js';
import type { WxOptions } from '../../src/options.js';
import { NEWEST_SDK_VERSION, compareVersions, parseVersion } from '../../src/versions.js';
import type { ConformanceEnv, ConformanceServer, ServerClient, ServerOptions } from '../conformance/env.js';
import { NATIVE_CAPABILITIES } from './native-capabilities.js';
import { decodeData, encodeData, type Method, type Methods, type Response } from './rpc.js';

/** The page's end of the control channel: numbered calls, answered in any order. */
export class ControlChannel {
  readonly #socket: WebSocket;
  readonly #waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => {
      const response = JSON.parse(String(event.data)) as Response;
      const waiting = this.#waiting.get(response.id);
      this.#waiting.delete(response.id);
      if ('error' in response) waiting?.reject(new Error(`control channel: ${response.error}`));
      else waiting?.resolve(response.result);
    });
    socket.addEventListener('close', () => {
      for (const { reject } of this.#waiting.values()) reject(new Error('control channel closed'));
      this.#waiting.clear();
    });
  }

  /** Connects to the control server that served this page. */
  static open(url = `ws://${location.host}/control`): Promise<ControlChannel> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new ControlChannel(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot reach the control channel at ${url}`)), {
        once: true,
      });
    });
  }

  call<M extends Method>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      if (this.#socket.readyState !== WebSocket.OPEN) return reject(new Error('control channel closed'));
      this.#waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }
}

/** A test server in Node, seen from the page. */
function remoteServer(channel: ControlChannel, server: number, url: string): ConformanceServer {
  return {
    url,
    // Trust and host mapping cannot be handed to a browser's WebSocket: nothing to add (capabilities.tls is false).
    wxOptions: {},
    nextConnection: async () => remoteClient(channel, (await channel.call('nextConnection', { server })).client),
    handshakes: () => channel.call('handshakes', { server }),
    connectionCount: () => channel.call('connectionCount', { server }),
    close: async () => void (await channel.call('closeServer', { server })),
  };
}

function remoteClient(channel: ControlChannel, client: number): ServerClient {
  return {
    async nextMessage() {
      const { data, binary } = await channel.call('nextMessage', { client });
      return { data: decodeData(data), binary };
    },
    send: async (data) => void (await channel.call('send', { client, data: encodeData(data) })),
    close: (code, reason) =>
      channel.call('close', { client, ...(code !== undefined && { code }), ...(reason !== undefined && { reason }) }),
    waitForClose: () => channel.call('waitForClose', { client }),
    inject: async (fault) => void (await channel.call('inject', { client, fault })),
  };
}

export interface PageEnvOptions {
  readonly platform: 'android' | 'ios';
  readonly SDKVersion?: string;
}

/** The conformance env for one profile and base library version, in this page. */
export function pageEnv(channel: ControlChannel, { platform, SDKVersion }: PageEnvOptions): ConformanceEnv {
  const version = SDKVersion ?? NEWEST_SDK_VERSION;
  return {
    label: `${platform}, base library ${SDKVersion ?? `${version} (default)`}, native transport (Chromium)`,
    platform,
    SDKVersion: version,
    capabilities: NATIVE_CAPABILITIES,
    createWx(options: WxOptions = {}) {
      return createWx({ platform, ...(SDKVersion !== undefined && { SDKVersion }), ...options });
    },
    async startServer(options: ServerOptions = {}) {
      const { server, url } = await channel.call('startServer', { options });
      return remoteServer(channel, server, url);
    },
    atLeast(other: string) {
      return compareVersions(parseVersion(version)!, parseVersion(other)!) >= 0;
    },
  };
}
