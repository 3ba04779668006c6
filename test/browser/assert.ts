/**
 * `node:assert/strict` for the page: the functions the conformance suites use, with Node's strict semantics
 * (`equal` is `Object.is`, `deepEqual` is `deepStrictEqual`: same prototypes, same own keys, exact bytes). The
 * bundle for Chromium aliases `node:assert/strict` to this file (see control-server.ts), so the suites run
 * unchanged. Failures throw an `AssertionError` (`code: 'ERR_ASSERTION'`) whose message shows both values.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
  readonly code = 'ERR_ASSERTION';
  readonly generatedMessage: boolean;

  constructor(
    message: string | Error | undefined,
    generated: string,
    readonly actual?: unknown,
    readonly expected?: unknown,
    readonly operator?: string,
  ) {
    super(typeof message === 'string' ? message : generated);
    this.generatedMessage = message === undefined;
  }
}

type Message = string | Error | undefined;

function failWith(message: Message, generated: string, actual: unknown, expected: unknown, operator: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message, generated, actual, expected, operator);
}

/** A short, readable rendering of a value for failure messages. */
export function inspect(value: unknown, depth = 3): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null)
    return typeof value === 'function' ? `[Function ${value.name || '(anonymous)'}]` : String(value);
  if (depth < 0) return Array.isArray(value) ? '[Array]' : '[Object]';
  if (value instanceof ArrayBuffer)
    return `ArrayBuffer(${value.byteLength}) [${[...new Uint8Array(value.slice(0, 32))].join(', ')}${value.byteLength > 32 ? ', …' : ''}]`;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, Math.min(value.byteLength, 32));
    return `${value.constructor.name}(${value.byteLength}) [${[...bytes].join(', ')}${value.byteLength > 32 ? ', …' : ''}]`;
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) {
    const items = value.slice(0, 50).map((item) => inspect(item, depth - 1));
    return `[${items.join(', ')}${value.length > 50 ? `, … ${value.length - 50} more` : ''}]`;
  }
  const entries = Object.keys(value).map(
    (key) =>
      `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${inspect((value as Record<string, unknown>)[key], depth - 1)}`,
  );
  const name =
    Object.getPrototypeOf(value) === null
      ? '[Object: null prototype] '
      : value.constructor && value.constructor !== Object
        ? `${value.constructor.name} `
        : '';
  return `${name}{${entries.join(', ')}}`;
}

/** Node's `isDeepStrictEqual` for the kinds of values tests compare. */
export function isDeepStrictEqual(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof ArrayBuffer) return bytesEqual(new Uint8Array(a), new Uint8Array(b as ArrayBuffer));
  if (ArrayBuffer.isView(a)) {
    const view = b as ArrayBufferView;
    return bytesEqual(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
    );
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error && (a.name !== (b as Error).name || a.message !== (b as Error).message)) return false;
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) if (!other.has(key) || !isDeepStrictEqual(value, other.get(key), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    return a.size === other.size && [...a].every((value) => other.has(value));
  }
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!isDeepStrictEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], seen))
      return false;
  }
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function ok(value: unknown, message?: Message): asserts value {
  if (!value) failWith(message, `The expression evaluated to a falsy value: ${inspect(value)}`, value, true, '==');
}

function equal(actual: unknown, expected: unknown, message?: Message): void {
  if (!Object.is(actual, expected)) {
    failWith(
      message,
      `Expected values to be strictly equal:\n  actual:   ${inspect(actual)}\n  expected: ${inspect(expected)}`,
      actual,
      expected,
      'strictEqual',
    );
  }
}

function notEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (Object.is(actual, expected))
    failWith(
      message,
      `Expected "actual" to be strictly unequal to: ${inspect(expected)}`,
      actual,
      expected,
      'notStrictEqual',
    );
}

function deepEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (!isDeepStrictEqual(actual, expected)) {
    failWith(
      message,
      `Expected values to be strictly deep-equal:\n  actual:   ${inspect(actual)}\n  expected: ${inspect(expected)}`,
      actual,
      expected,
      'deepStrictEqual',
    );
  }
}

function notDeepEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (isDeepStrictEqual(actual, expected))
    failWith(
      message,
      `Expected "actual" not to be strictly deep-equal to: ${inspect(expected)}`,
      actual,
      expected,
      'notDeepStrictEqual',
    );
}

function match(actual: string, pattern: RegExp, message?: Message): void {
  if (typeof actual !== 'string' || !pattern.test(actual)) {
    failWith(
      message,
      `The input did not match the regular expression ${pattern}. Input:\n  ${inspect(actual)}`,
      actual,
      pattern,
      'match',
    );
  }
}

function doesNotMatch(actual: string, pattern: RegExp, message?: Message): void {
  if (typeof actual !== 'string' || pattern.test(actual)) {
    failWith(
      message,
      `The input was expected to not match the regular expression ${pattern}. Input:\n  ${inspect(actual)}`,
      actual,
      pattern,
      'doesNotMatch',
    );
  }
}

function fail(message: Message = 'Failed'): never {
  return failWith(message, 'Failed', undefined, undefined, 'fail');
}

type Expected = RegExp | Function | object;

/** Checks a thrown or rejected value as Node does: a RegExp on its text, a class, a validation function, or keys. */
function checkError(error: unknown, expected: Expected | undefined, message: Message, operator: string): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (!expected.test(text))
      failWith(message, `The error did not match ${expected}: ${inspect(error)}`, error, expected, operator);
    return;
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return;
    if (Object.prototype.isPrototypeOf.call(Error, expected) || expected === Error) {
      failWith(
        message,
        `The error is expected to be an instance of "${expected.name}": ${inspect(error)}`,
        error,
        expected,
        operator,
      );
    }
    if ((expected as (error: unknown) => unknown)(error) !== true) {
      failWith(message, `The validation function did not return true for ${inspect(error)}`, error, expected, operator);
    }
    return;
  }
  for (const [key, value] of Object.entries(expected)) {
    const actual = (error as Record<string, unknown> | null)?.[key];
    const matches =
      value instanceof RegExp && typeof actual === 'string' ? value.test(actual) : isDeepStrictEqual(actual, value);
    if (!matches) {
      failWith(
        message,
        `Expected the error's "${key}" to be ${inspect(value)}, got ${inspect(actual)} (error: ${inspect(error)})`,
        error,
        expected,
        operator,
      );
    }
  }
}

const NOTHING = Symbol('nothing thrown');

function throws(fn: () => unknown, expected?: Expected | string, message?: Message): void {
  if (typeof expected === 'string') [expected, message] = [undefined, expected];
  let error: unknown = NOTHING;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  if (error === NOTHING) failWith(message, 'Missing expected exception.', undefined, expected, 'throws');
  checkError(error, expected, message, 'throws');
}

function doesNotThrow(fn: () => unknown, message?: Message): void {
  try {
    fn();
  } catch (error) {
    failWith(message, `Got unwanted exception: ${inspect(error)}`, error, undefined, 'doesNotThrow');
  }
}

async function rejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  expected?: Expected | string,
  message?: Message,
): Promise<void> {
  if (typeof expected === 'string') [expected, message] = [undefined, expected];
  let error: unknown = NOTHING;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (caught) {
    error = caught;
  }
  if (error === NOTHING) failWith(message, 'Missing expected rejection.', undefined, expected, 'rejects');
  checkError(error, expected, message, 'rejects');
}

async function doesNotReject(promise: Promise<unknown> | (() => Promise<unknown>), message?: Message): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    failWith(message, `Got unwanted rejection: ${inspect(error)}`, error, undefined, 'doesNotReject');
  }
}

/** `assert(value)` is `assert.ok(value)`, as in Node. */
const assert = Object.assign((value: unknown, message?: Message): void => ok(value, message), {
  AssertionError,
  ok,
  equal,
  strictEqual: equal,
  notEqual,
  notStrictEqual: notEqual,
  deepEqual,
  deepStrictEqual: deepEqual,
  notDeepEqual,
  notDeepStrictEqual: notDeepEqual,
  match,
  doesNotMatch,
  fail,
  throws,
  doesNotThrow,
  rejects,
  doesNotReject,
});
(assert as { strict?: unknown }).strict = assert;

export default assert;
export {
  ok,
  equal,
  notEqual,
  deepEqual,
  notDeepEqual,
  match,
  doesNotMatch,
  fail,
  throws,
  doesNotThrow,
  rejects,
  doesNotReject,
};
