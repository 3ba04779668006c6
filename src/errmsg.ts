/**
 * How result objects' `errMsg` are built: `<api>:ok`, `<api>:fail <detail>`, WeChat's parameter errors, and the
 * names and descriptions of values inside them. The texts themselves are in `messages.ts`.
 */

/** `<api>:ok` [doc]. */
export const ok = (api: string): string => `${api}:ok`;

/** `<api>:fail <detail>`, one space [doc/lib]. */
export const fail = (api: string, detail: string): string => `${api}:fail ${detail}`;

/** `Object.prototype.toString` of a value: `[object Null]`, `[object Array]`… */
export function objectTag(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    // A revoked proxy, or a Symbol.toStringTag getter that throws.
    return '[object Object]';
  }
}

/** A value's type as WeChat's parameter checks print it: `Null`, `Array`… */
export const typeName = (value: unknown): string => objectTag(value).slice(8, -1);

/** Whether WeChat's checks take a value for an object (its `typeName` is `Object`), without building the name. */
export const isPlainObject = (value: unknown): value is object => objectTag(value) === '[object Object]';

/** WeChat's parameter type check [lib 2.30.3], e.g. `parameter.url should be String instead of Undefined;`. */
export const parameterError = (path: string, expected: string, value: unknown): string =>
  `parameter error: ${path} should be ${expected} instead of ${typeName(value)};`;

/** A value that could not even be read (a throwing getter or proxy trap) [ours]. */
export const unreadable = (path: string, error: unknown): string =>
  `parameter error: ${path} could not be read: ${describe(error)}`;

/** A short, safe description of a thrown value: `Error: message` for an error (of any realm), as `String` gives it. */
export function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    // A null-prototype object, a revoked proxy, a `toString` that throws.
    return typeName(error);
  }
}

/** Quotes a user-supplied name for an error text, escaping control characters and keeping it short. */
export function quote(text: string, max = 64): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
