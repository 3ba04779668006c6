/**
 * What the scripted-network properties share: the environments (profile, base library version, limits), the `wx`
 * built over a fake network, and the checks made after each case.
 */
import fc from 'fast-check';
import { createWx } from '../../src/node.js';
import type { Wx } from '../../src/types.js';
import { BEHAVIOURS, FakeNetwork, fakeUrl } from './fake-network.js';
import { buildBag, type BagSpec } from './hostile.js';
import { until } from '../helpers/leaks.js';
import { ObservedCall, type Reports } from './oracle.js';

/** Versions on each side of every feature threshold that changes connectSocket (contract §4). */
export const VERSIONS = ['1.3.0', '1.6.0', '1.7.0', '2.3.2', '2.4.0', '2.9.0', '2.10.1', '2.10.4', '3.6.0'] as const;

/** Below 1.7.0: no SocketTask, one socket replaced by the next (§4). */
export function isLegacy(env: { SDKVersion: string }): boolean {
  return VERSIONS.indexOf(env.SDKVersion as (typeof VERSIONS)[number]) < VERSIONS.indexOf('1.7.0');
}

/** Every fake host, allowed by the domain check when it is on (wss only). */
const FAKE_DOMAINS = BEHAVIOURS.map((behaviour) => `${behaviour}.fake`);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const environment = fc.record({
  platform: fc.constantFrom('android' as const, 'ios' as const),
  SDKVersion: fc.constantFrom(...VERSIONS),
  maxConnections: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  urlCheck: fc.boolean(),
  /** A short app-wide handshake timeout, so hanging handshakes also end by the timer. */
  networkTimeout: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  throwingReporter: fc.boolean(),
});
export type Environment = typeof environment extends fc.Arbitrary<infer E> ? E : never;

export function wxFor(env: Environment, network: FakeNetwork, reports: Reports): Wx {
  return createWx({
    platform: env.platform,
    SDKVersion: env.SDKVersion,
    ...(env.maxConnections !== undefined && { maxConnections: env.maxConnections }),
    ...(env.urlCheck && { domains: FAKE_DOMAINS }),
    ...(env.networkTimeout !== undefined && { networkTimeout: { connectSocket: env.networkTimeout } }),
    transport: network.transport,
    reportError: reports.report,
  });
}

/** Checks what the transport was asked to open: only what HTTP and RFC 6455 allow. */
export function requestProblems(network: FakeNetwork): string[] {
  const problems: string[] = [];
  for (const request of network.requests) {
    if (!/^wss?:\/\//i.test(request.url))
      problems.push(`transport got url ${JSON.stringify(request.url.slice(0, 60))}`);
    for (const [name, value] of Object.entries(request.headers)) {
      if (!TOKEN.test(name)) problems.push(`transport got header name ${JSON.stringify(name)}`);
      if (typeof value !== 'string' || !FIELD_VALUE.test(value))
        problems.push(`transport got header value ${JSON.stringify(value)}`);
      if (/^(host|connection|upgrade|sec-websocket-.*)$/i.test(name))
        problems.push(`transport got handshake header ${name}`);
    }
    const referers = Object.keys(request.headers).filter((name) => name.toLowerCase() === 'referer');
    if (referers.length !== 1 || !request.headers[referers[0]!]!.startsWith('https://servicewechat.com/'))
      problems.push("the Referer is not WeChat's");
    for (const protocol of request.protocols)
      if (!TOKEN.test(protocol)) problems.push(`transport got subprotocol ${JSON.stringify(protocol)}`);
    if (new Set(request.protocols).size !== request.protocols.length)
      problems.push('transport got duplicate subprotocols');
  }
  return problems;
}

/** Opens `maxConnections` sockets at once: none may fail for the limit, so every slot was freed. Then ends them. */
export async function slotProblems(wx: Wx, network: FakeNetwork, env: Environment): Promise<string[]> {
  if (isLegacy(env)) return []; // one socket, replaced (§4)
  const max = env.maxConnections ?? 5;
  const failures: string[] = [];
  for (let i = 0; i < max; i += 1) {
    wx.connectSocket({
      url: fakeUrl('refuse'),
      fail: (result: { errMsg: string }) => void failures.push(result.errMsg),
    });
  }
  await until(() => network.quiet, { maxTurns: 200 });
  return failures.filter((errMsg) => /reach max/.test(errMsg)).map((errMsg) => `a slot was not freed: ${errMsg}`);
}

export async function closeCall(
  target: { close(option?: unknown): unknown },
  spec: BagSpec,
  label: string,
  awaitPromise: boolean,
  promiseStyle: boolean,
): Promise<ObservedCall> {
  const bag = buildBag(spec);
  const honoured = bag.isPlainObject && bag.hasCallbackKey;
  return new ObservedCall(label, bag, honoured, promiseStyle && !honoured).run(
    (value) => target.close(value),
    awaitPromise,
  );
}
