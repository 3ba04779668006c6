/**
 * Property: `createWx` and `installWx` (not WeChat APIs: a typed throw is their contract for bad options) either
 * return a working `wx` object or throw a `WxOptionsError` naming the option, for any input: nothing else is thrown,
 * nothing is started (no socket, no timer), no prototype is polluted, and a failed `installWx` leaves
 * `globalThis.wx` as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { WxOptionsError, createWx, installWx } from '../../src/node.js';
import { anything, bagSpec, buildBag, nastyString, optionValue, prototypeKeysObject, resolve } from './hostile.js';
import { Invariants, assertNoProblems, propertyParameters } from './harness.js';
import { describe as show } from './oracle.js';

const WX_METHODS = [
  'connectSocket',
  'onSocketOpen',
  'onSocketMessage',
  'onSocketError',
  'onSocketClose',
  'sendSocketMessage',
  'closeSocket',
  'canIUse',
];

/** Each option: mostly values of the right kind (valid or slightly off), sometimes anything at all. */
const WX_OPTION_FIELDS = {
  platform: fc.oneof(fc.constantFrom('android', 'ios', 'windows', 'Android', ''), optionValue),
  SDKVersion: fc.oneof(
    fc.constantFrom(
      '1.0.0',
      '1.6.0',
      '1.7.0',
      '2.4.0',
      '2.10.2',
      '3.6.0',
      '99.99.99',
      '2.x',
      '2.10',
      ' 2.10.4',
      '2.10.4\n',
    ),
    fc.tuple(fc.nat(10000), fc.nat(10000), fc.nat(10000)).map((parts) => parts.join('.')),
    optionValue,
  ),
  domains: fc.oneof(
    fc.array(
      fc.oneof(
        fc.constantFrom('chat.example.com', 'wss://api.example.com', 'https://a.com', 'wss://', '*.a.com', '10.0.0.1'),
        nastyString,
      ),
      { maxLength: 4 },
    ),
    optionValue,
  ),
  urlCheck: fc.oneof(fc.boolean(), optionValue),
  networkTimeout: fc.oneof(
    fc.record({ connectSocket: fc.oneof(fc.double(), fc.integer(), optionValue) }, { requiredKeys: [] }),
    prototypeKeysObject,
    optionValue,
  ),
  maxConnections: fc.oneof(
    fc.integer({ min: -2, max: 10 }),
    fc.constantFrom(Infinity, -Infinity, NaN, 1.5, 2 ** 53),
    optionValue,
  ),
  appId: fc.oneof(fc.constantFrom('wx1234567890abcdef', 'touristappid', 'a'.repeat(129)), nastyString),
  appVersion: fc.oneof(fc.constantFrom('devtools', '0', '1.2.3'), nastyString),
  tls: fc.oneof(
    fc.record(
      {
        ca: fc.oneof(
          fc.string(),
          fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 8 }), anything), { maxLength: 3 }),
          anything,
        ),
      },
      { requiredKeys: [] },
    ),
    fc.constant({ rejectUnauthorized: false }),
    optionValue,
  ),
  transport: fc.oneof(
    fc.constant(() => {
      throw new Error('unused transport');
    }),
    optionValue,
  ),
  maxMessageSize: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, Infinity, 2 ** 60), optionValue),
  reportError: fc.oneof(
    fc.constant(() => undefined),
    optionValue,
  ),
};

/** A `WxOptionsError` as documented: the class, a stable code, the option's name, a message starting `createWx: `. */
function optionsErrorProblem(error: unknown): string | undefined {
  if (!(error instanceof WxOptionsError)) return `threw ${show(error)}, not a WxOptionsError`;
  if (error.code !== 'WXSOCKET_INVALID_OPTION') return `code ${String(error.code)}`;
  if (typeof error.option !== 'string' || error.option === '') return 'no option name';
  if (!error.message.startsWith('createWx: ')) return `message ${JSON.stringify(error.message)}`;
  return undefined;
}

test('createWx: any options give a wx object or a WxOptionsError naming the option, and start nothing', async () => {
  const invariants = new Invariants();
  try {
    // Bags are built inside the property: fast-check must be able to print what it generated (see `Lazy`).
    const options = fc.oneof(
      { weight: 2, arbitrary: optionValue.map((value) => ({ value })) },
      { weight: 8, arbitrary: bagSpec(WX_OPTION_FIELDS).map((spec) => ({ spec })) },
    );
    await fc.assert(
      fc.asyncProperty(options, fc.boolean(), async (generated, install) => {
        const input = 'spec' in generated ? buildBag(generated.spec).value : resolve(generated.value);
        const problems: string[] = [];
        const globalBefore = Object.getOwnPropertyDescriptor(globalThis, 'wx');
        try {
          const { wx, uninstall } = install
            ? installWx(input as never)
            : { wx: createWx(input as never), uninstall: () => undefined };
          for (const method of WX_METHODS) {
            if (typeof (wx as unknown as Record<string, unknown>)[method] !== 'function')
              problems.push(`wx.${method} is not a function`);
          }
          // canIUse is the one method that needs no network: any schema gives a boolean.
          for (const schema of [
            input,
            'connectSocket',
            'SocketTask.onOpen',
            '__proto__',
            'connectSocket.object.__proto__',
          ]) {
            const answer = wx.canIUse(schema as string);
            if (typeof answer !== 'boolean') problems.push(`canIUse(${show(schema)}) gave ${show(answer)}`);
          }
          if (install && (globalThis as { wx?: unknown }).wx !== wx) problems.push('installWx did not install');
          uninstall();
        } catch (error) {
          const problem = optionsErrorProblem(error);
          if (problem) problems.push(problem);
        }
        const globalAfter = Object.getOwnPropertyDescriptor(globalThis, 'wx');
        if (
          globalAfter?.value !== globalBefore?.value ||
          (globalAfter === undefined) !== (globalBefore === undefined)
        ) {
          problems.push('globalThis.wx not restored');
        }
        problems.push(...(await invariants.problems('createWx')));
        assertNoProblems(problems);
      }),
      propertyParameters(3600),
    );
  } finally {
    invariants.stop();
  }
  assert.equal((globalThis as { wx?: unknown }).wx, undefined);
});
