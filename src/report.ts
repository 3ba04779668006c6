/**
 * Errors thrown by user code (callbacks, listeners) and unhandled Promise rejections. WeChat never lets them break
 * the socket or the app: the base library catches them and prints them on its console as `thirdScriptError`
 * (contract §0.3, §0.8). wxsocket does the same through one function, replaceable with `createWx({reportError})`.
 */
import { describe } from './values.js';

/** Receives an error thrown by user code, and where it was thrown (`SocketTask.onMessage listener`, …). */
export type ErrorReporter = (error: unknown, where: string) => void;

/** WeChat's console output for a script error. */
export const consoleReporter: ErrorReporter = (error, where) => {
  console.error(`thirdScriptError\n${describe(error)}\n(in ${where})`, error);
};

/**
 * Calls user code with one argument; whatever it throws goes to `report` and nowhere else. An `async` listener's
 * rejection is reported the same way, so it cannot become an unhandled rejection that ends a Node process.
 */
export function invokeSafely(fn: Function, argument: unknown, report: ErrorReporter, where: string): void {
  try {
    const returned: unknown = (fn as (argument: unknown) => unknown)(argument);
    if (
      typeof returned === 'object' &&
      returned !== null &&
      typeof (returned as PromiseLike<unknown>).then === 'function'
    ) {
      Promise.resolve(returned).then(undefined, (error: unknown) => reportSafely(report, error, where));
    }
  } catch (error) {
    reportSafely(report, error, where);
  }
}

/** A reporter that itself throws must not break dispatch either. */
export function reportSafely(report: ErrorReporter, error: unknown, where: string): void {
  try {
    report(error, where);
  } catch {
    // Nothing left to tell: the user's reporter failed while reporting.
  }
}
