/**
 * Generators of hostile input for the property tests: any JavaScript value (`fc.anything()` with every option on),
 * plus the shapes real hostile or broken callers produce and `fc.anything()` never does: getters and proxy traps
 * that throw (and throw values that are themselves hostile to print), revoked proxies, frozen and null-prototype
 * objects, `__proto__`/`constructor`/`prototype` keys from `JSON.parse`, huge strings, strings with control
 * characters.
 *
 * Options bags are generated as a description (`BagSpec`) and built by `buildBag`, so a test knows which of the
 * callbacks it planted can be read, and can hold the call to "exactly one of success/fail, then one complete".
 */
import fc from 'fast-check';

/** Any value, with every kind `fc.anything` knows (boxed values, Map, Set, null prototypes, typed arrays, …). */
export const anything: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 2,
  maxKeys: 4,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  stringUnit: 'binary',
});

/** An Error whose `message` and `name` getters throw, so describing it throws too. */
function unprintableError(): Error {
  const error = new Error('unprintable');
  Object.defineProperty(error, 'message', {
    get: () => {
      throw new Error('message getter');
    },
  });
  Object.defineProperty(error, 'name', {
    get: () => {
      throw new Error('name getter');
    },
  });
  return error;
}

/** An object whose conversion to a string or primitive throws. */
export function unconvertible(): object {
  const explode = () => {
    throw new Error('conversion exploded');
  };
  return {
    toString: explode,
    valueOf: explode,
    [Symbol.toPrimitive]: explode,
    get [Symbol.toStringTag]() {
      return explode();
    },
  };
}

export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/**
 * A hostile value made on demand. fast-check prints every generated value when a property fails, and printing a
 * revoked proxy or an object whose conversions throw would itself throw; so such values are generated as a `Lazy`
 * (printed by its label) and made inside the property by {@link resolve}.
 */
export class Lazy<T = unknown> {
  readonly #label: string;
  readonly #make: () => T;
  constructor(label: string, make: () => T) {
    this.#label = label;
    this.#make = make;
  }
  make(): T {
    return this.#make();
  }
  [fc.toStringMethod](): string {
    return this.#label;
  }
}

/** The value itself, or the value a `Lazy` makes. */
export function resolve(value: unknown): unknown {
  return value instanceof Lazy ? value.make() : value;
}

const lazy = <T>(label: string, make: () => T): fc.Arbitrary<Lazy<T>> =>
  fc.constant(null).map(() => new Lazy(label, make));

/** Values a hostile getter or trap throws: errors, non-errors, and values that cannot be printed. */
export const thrownValue: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.string().map((message) => () => new Error(message)),
  fc.constant(() => new TypeError('typed')),
  anything.map((value) => () => value),
  fc.constant(() => unprintableError()),
  fc.constant(() => unconvertible()),
  fc.constant(() => Symbol('thrown')),
  fc.constant(() => revokedProxy()),
);

/** Strings with what breaks parsers and protocols: CR, LF, NUL, separators, lone surrogates, non-ASCII. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      '\r',
      '\n',
      '\0',
      '\t',
      ' ',
      ':',
      ',',
      ';',
      '"',
      '\\',
      '/',
      '@',
      '#',
      '?',
      '%',
      'a',
      'Z',
      '9',
      '-',
      '\u2028',
      '\u00e9',
      '\ud800',
      '\udc00',
      '\u{1f30f}',
      '\u0131',
      '\uff41',
    ),
    maxLength: 30,
  }),
  fc.constantFrom(
    '',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'Referer',
    'host',
    'Sec-WebSocket-Key',
  ),
);

/** A string of 64 KiB to 1 MiB (rare: each costs real time). */
export const hugeString: fc.Arbitrary<string> = fc
  .integer({ min: 64 * 1024, max: 1024 * 1024 })
  .map((length) => 'x'.repeat(length));

/** Objects carrying `__proto__`, `constructor` and `prototype` as own keys, as `JSON.parse` makes them. */
export const prototypeKeysObject: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    proto: fc.oneof(fc.constant('{"polluted": "yes"}'), fc.constant('"x"'), fc.constant('null'), fc.constant('[1]')),
    ctor: fc.oneof(fc.constant('{"prototype": {"polluted": "yes"}}'), fc.constant('"y"')),
    extra: fc.dictionary(
      fc.constantFrom('prototype', 'url', 'header', 'polluted', 'toString'),
      fc.constantFrom('"z"', '{"polluted": 1}', '1'),
    ),
  })
  .map(({ proto, ctor, extra }) => {
    const more = Object.entries(extra)
      .map(([key, value]) => `, ${JSON.stringify(key)}: ${value}`)
      .join('');
    return JSON.parse(`{"__proto__": ${proto}, "constructor": ${ctor}${more}}`) as Record<string, unknown>;
  });

/** How a planted callback behaves. */
export type CallbackKind =
  | 'absent'
  | 'spy'
  | 'throwing-spy'
  | 'rejecting-spy'
  | 'getter-spy'
  | 'inherited-spy'
  | 'undefined'
  | 'non-function'
  | 'throwing-getter';

export const CALLBACK_KEYS = ['success', 'fail', 'complete'] as const;
export type CallbackKey = (typeof CALLBACK_KEYS)[number];

const callbackKind: fc.Arbitrary<CallbackKind> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('spy' as const) },
  { weight: 4, arbitrary: fc.constant('absent' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<CallbackKind>(
      'throwing-spy',
      'rejecting-spy',
      'getter-spy',
      'inherited-spy',
      'undefined',
      'non-function',
      'throwing-getter',
    ),
  },
);

/** How the options bag is wrapped. */
export type Wrapper =
  | 'plain'
  | 'null-prototype'
  | 'frozen'
  | 'class-instance'
  | 'proxy'
  | 'array'
  | 'function'
  | 'revoked'
  | 'string-tagged';

/** Proxy traps that throw (for the `proxy` wrapper). */
export type Trap = 'has' | 'ownKeys' | 'getOwnPropertyDescriptor' | 'getPrototypeOf' | 'get';

/** A description of an options bag, built by {@link buildBag}. */
export interface BagSpec {
  readonly fields: ReadonlyArray<{
    readonly key: string;
    readonly value: unknown;
    readonly how: 'data' | 'getter' | 'throwing-getter' | 'hidden';
  }>;
  readonly callbacks: Readonly<Record<CallbackKey, CallbackKind>>;
  readonly wrapper: Wrapper;
  readonly traps: readonly Trap[];
  /** For the `get` trap: the keys whose read throws. */
  readonly trappedKeys: readonly string[];
  readonly throws: () => unknown;
  readonly nonFunction: unknown;
  readonly prototypeKeys: Record<string, unknown> | undefined;
}

/**
 * Generates a bag description. `fields` maps option names to value generators; each field may be left out, made a
 * data property, a getter, a throwing getter or a non-enumerable property.
 */
export function bagSpec(
  fields: Readonly<Record<string, fc.Arbitrary<unknown>>>,
  wrappers?: fc.Arbitrary<Wrapper>,
): fc.Arbitrary<BagSpec> {
  const fieldArbitraries = Object.entries(fields).map(([key, value]) =>
    fc.option(
      fc.record({
        key: fc.constant(key),
        value,
        how: fc.oneof(
          { weight: 12, arbitrary: fc.constant('data' as const) },
          { weight: 1, arbitrary: fc.constantFrom('getter' as const, 'throwing-getter' as const, 'hidden' as const) },
        ),
      }),
      { freq: 3 },
    ),
  );
  return fc.record({
    fields: fc.tuple(...fieldArbitraries).map((list) => list.filter((field) => field !== null)),
    callbacks: fc.record({ success: callbackKind, fail: callbackKind, complete: callbackKind }),
    wrapper:
      wrappers ??
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('plain' as const) },
        {
          weight: 1,
          arbitrary: fc.constantFrom<Wrapper>(
            'null-prototype',
            'frozen',
            'class-instance',
            'proxy',
            'array',
            'function',
            'revoked',
            'string-tagged',
          ),
        },
      ),
    traps: fc.subarray(['has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'get'] as Trap[]),
    trappedKeys: fc.subarray([...Object.keys(fields), ...CALLBACK_KEYS]),
    throws: thrownValue,
    nonFunction: anything,
    prototypeKeys: fc.option(prototypeKeysObject, { freq: 8, nil: undefined }),
  });
}

/** A value for an option: anything, nasty or huge strings, objects with prototype keys, unconvertible objects. */
export const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: anything },
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: prototypeKeysObject },
  { weight: 1, arbitrary: lazy('unconvertible()', unconvertible) },
  { weight: 1, arbitrary: lazy('revokedProxy()', revokedProxy) },
  { weight: 2, arbitrary: fc.constant(null).chain(() => hostileObject) },
);

/**
 * A nested hostile object (for `header`, `protocols`, `tls`, `networkTimeout`…): an object, array or proxy whose
 * entries may be throwing getters, with keys that header, array and option readers look at.
 */
const hostileObject: fc.Arbitrary<Lazy> = fc
  .tuple(
    fc.constant(null),
    fc.record({
      fields: fc.array(
        fc.record({
          key: fc.constantFrom(
            '0',
            '1',
            'length',
            'X-Token',
            'x-b',
            'connectSocket',
            'ca',
            'threshold',
            'referer',
            '__proto__',
          ),
          value: fc.oneof(anything, nastyString),
          how: fc.constantFrom('data' as const, 'getter' as const, 'throwing-getter' as const, 'hidden' as const),
        }),
        { maxLength: 4 },
      ),
      wrapper: fc.constantFrom<Wrapper>('plain', 'array', 'proxy', 'frozen', 'null-prototype'),
      traps: fc.subarray(['has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'get'] as Trap[]),
      trappedKeys: fc.subarray(['0', 'length', 'X-Token', 'connectSocket', 'ca']),
      throws: thrownValue,
    }),
  )
  .map(([, shape]) => {
    const spec: BagSpec = {
      ...shape,
      callbacks: { success: 'absent', fail: 'absent', complete: 'absent' },
      nonFunction: undefined,
      prototypeKeys: undefined,
    };
    return new Lazy(
      `hostileObject(${JSON.stringify({ wrapper: shape.wrapper, keys: shape.fields.map((field) => `${field.key}:${field.how}`), traps: shape.traps })})`,
      () => buildBag(spec).value,
    );
  });

/** Calls of one planted callback, with the turn they came in. */
export interface CallbackCalls {
  readonly calls: Array<{ readonly result: unknown; readonly order: number }>;
}

/** A built bag: the value to pass, and what the test can expect of its callbacks. */
export interface Bag {
  readonly value: unknown;
  /** Calls of each planted spy (also for spies that cannot be read: they must then never be called). */
  readonly calls: Readonly<Record<CallbackKey, CallbackCalls>>;
  /** Whether each callback is a spy the API can read (so it must honour it). */
  readonly readable: Readonly<Record<CallbackKey, boolean>>;
  /** Whether `key in value` finds a callback key, or throws (which the API counts as present). */
  readonly hasCallbackKey: boolean;
  /** `Object.prototype.toString` names the value `Object` (what the API checks before reading options). */
  readonly isPlainObject: boolean;
  /** Whether the value is an object or function the API can look for callbacks on (connectSocket does). */
  readonly isObjectLike: boolean;
}

/** A counter shared by all spies, so the order of calls across callbacks is known. */
let callOrder = 0;
export function nextOrder(): number {
  return ++callOrder;
}

class OptionsClass {}

/** Builds the options bag a spec describes. */
export function buildBag(spec: BagSpec): Bag {
  const calls = { success: { calls: [] }, fail: { calls: [] }, complete: { calls: [] } } as Record<
    CallbackKey,
    { calls: Array<{ result: unknown; order: number }> }
  >;
  const readable = { success: false, fail: false, complete: false } as Record<CallbackKey, boolean>;
  const inherited: Record<string, unknown> = {};
  let target: Record<string, unknown> =
    spec.wrapper === 'null-prototype'
      ? Object.create(null)
      : spec.wrapper === 'class-instance'
        ? (new OptionsClass() as Record<string, unknown>)
        : {};
  if (spec.wrapper === 'array') target = [] as unknown as Record<string, unknown>;
  if (spec.wrapper === 'function') target = function options() {} as unknown as Record<string, unknown>;
  // A function's `prototype` cannot be redefined: such a definition is skipped (and a callback so kept out is
  // not counted as readable).
  const define = (key: string, descriptor: PropertyDescriptor): boolean => {
    try {
      Object.defineProperty(target, key, { enumerable: true, configurable: true, ...descriptor });
      return true;
    } catch {
      return false;
    }
  };
  if (spec.prototypeKeys)
    for (const key of Object.keys(spec.prototypeKeys)) define(key, { value: spec.prototypeKeys[key], writable: true });

  for (const { key, value, how } of spec.fields) {
    const made = resolve(value);
    if (how === 'data') define(key, { value: made, writable: true });
    else if (how === 'hidden') define(key, { value: made, enumerable: false, writable: true });
    else if (how === 'getter') define(key, { get: () => made });
    else
      define(key, {
        get: () => {
          throw spec.throws();
        },
      });
  }
  for (const key of CALLBACK_KEYS) {
    const kind = spec.callbacks[key];
    const record = calls[key];
    const spy = (result: unknown) => void record.calls.push({ result, order: nextOrder() });
    const put = (value: unknown) => define(key, { value, writable: true });
    let defined = true;
    switch (kind) {
      case 'absent':
        break;
      case 'spy':
        defined = put(spy);
        break;
      case 'throwing-spy':
        defined = put((result: unknown) => {
          spy(result);
          throw spec.throws();
        });
        break;
      case 'rejecting-spy':
        defined = put(async (result: unknown) => {
          spy(result);
          throw spec.throws();
        });
        break;
      case 'getter-spy':
        defined = define(key, { get: () => spy });
        break;
      case 'inherited-spy':
        inherited[key] = spy;
        break;
      case 'undefined':
        defined = put(undefined);
        break;
      case 'non-function':
        defined = put(typeof spec.nonFunction === 'function' ? 42 : resolve(spec.nonFunction));
        break;
      case 'throwing-getter':
        defined = define(key, {
          get: () => {
            throw spec.throws();
          },
        });
        break;
    }
    readable[key] = defined && ['spy', 'throwing-spy', 'rejecting-spy', 'getter-spy', 'inherited-spy'].includes(kind);
  }
  if (Object.keys(inherited).length > 0 && spec.wrapper !== 'null-prototype') {
    Object.setPrototypeOf(
      target,
      Object.assign(Object.create(Object.getPrototypeOf(target) as object | null), inherited),
    );
  } else if (Object.keys(inherited).length > 0) {
    Object.setPrototypeOf(target, Object.assign(Object.create(null), inherited));
  }
  if (spec.wrapper === 'string-tagged')
    Object.defineProperty(target, Symbol.toStringTag, { value: 'Options', configurable: true });

  let value: unknown = target;
  let hasCallbackKey = CALLBACK_KEYS.some((key) => key in target);
  if (spec.wrapper === 'frozen') value = Object.freeze(target);
  if (spec.wrapper === 'revoked') {
    value = revokedProxy();
    hasCallbackKey = true; // `in` throws on a revoked proxy: counted as present
    for (const key of CALLBACK_KEYS) readable[key] = false;
  }
  if (spec.wrapper === 'proxy') {
    const traps: ProxyHandler<object> = {};
    const explode = () => {
      throw spec.throws();
    };
    if (spec.traps.includes('has')) {
      traps.has = explode;
      hasCallbackKey = true;
    }
    if (spec.traps.includes('ownKeys')) traps.ownKeys = explode;
    if (spec.traps.includes('getOwnPropertyDescriptor')) traps.getOwnPropertyDescriptor = explode;
    if (spec.traps.includes('getPrototypeOf')) traps.getPrototypeOf = explode;
    if (spec.traps.includes('get')) {
      const trapped = new Set(spec.trappedKeys);
      traps.get = (object, key, receiver) =>
        typeof key === 'string' && trapped.has(key) ? explode() : Reflect.get(object, key, receiver);
      for (const key of CALLBACK_KEYS) if (trapped.has(key)) readable[key] = false;
    }
    value = new Proxy(target, traps);
  }
  const isObjectLike = (typeof value === 'object' && value !== null) || typeof value === 'function';
  return { value, calls, readable, hasCallbackKey, isPlainObject: typeName(value) === 'Object', isObjectLike };
}

/** `Object.prototype.toString`'s type name, `Object` when even that throws (revoked proxies). */
export function typeName(value: unknown): string {
  try {
    return Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    return 'Object';
  }
}

/** Values for `this` when a method is called detached or on something that is not its object. */
export const foreignThis: fc.Arbitrary<unknown> = fc.oneof(
  anything,
  lazy('revokedProxy()', revokedProxy),
  lazy('unconvertible()', unconvertible),
);
