/**
 * Naming and describing arbitrary values, as WeChat's parameter checks and error reports need: any value, a hostile
 * one included (a revoked proxy, a throwing `Symbol.toStringTag` or `toString`), without ever throwing.
 */

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

/**
 * A short, safe description of a thrown value: `Error: message` for an error (of any realm), as `String` gives it;
 * the `errMsg` of a WeChat result object, which is what a rejected API call rejects with.
 */
export function describe(error: unknown): string {
  try {
    if (isPlainObject(error)) {
      const errMsg: unknown = (error as { errMsg?: unknown }).errMsg;
      if (typeof errMsg === 'string') return errMsg;
    }
    return String(error);
  } catch {
    // A null-prototype object, a revoked proxy, a `toString` that throws.
    return typeName(error);
  }
}

/** Why a system call failed, for a message: its code (`ENOENT`, `EACCES`) when it has one, else the error's text. */
export function systemReason(error: unknown): string {
  if (!(error instanceof Error)) return describe(error);
  return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
}
