/**
 * What every call must do, checked from the outside (contract §0): it never throws; it ends in exactly one of
 * `success`/`fail`, then exactly one `complete`, all with the same result object, none before the call returned; or
 * it returns a Promise that settles. And what every task must do (§0.6, §2): one terminal event, last.
 */
import { CALLBACK_KEYS, nextOrder, type Bag } from './hostile.js';

/** The result texts a callback may receive. */
const OK = /^[A-Za-z.]+:ok$/;
const FAIL = /^[A-Za-z.]+:fail( |$)/;

/** Where user code runs; anything else reported means wxsocket itself threw (the `wx.*` backstop). */
const USER_CODE = /( callback| listener)$|^unhandled rejection of /;
/** Where the core reports a transport's own errors and bugs (src/transport.ts): neither wxsocket's nor user code's. */
const TRANSPORT = /^transport$/;

/** A call under observation: made through `observe`, checked by `problems` once everything has settled. */
export class ObservedCall {
  readonly label: string;
  readonly bag: Bag;
  /** Whether the API must honour the callbacks (they are present and the options are of a kind it reads). */
  readonly honoured: boolean;
  /** Whether a Promise must be returned (no callback keys, and the API returns Promises here). */
  readonly expectPromise: boolean;
  returned: unknown;
  threw: unknown;
  didThrow = false;
  /** Order stamp taken right after the call returned: every callback must come later. */
  returnedAt = 0;
  promiseSettled: Array<'resolved' | 'rejected'> = [];
  promiseValue: unknown;

  constructor(label: string, bag: Bag, honoured: boolean, expectPromise: boolean) {
    this.label = label;
    this.bag = bag;
    this.honoured = honoured;
    this.expectPromise = expectPromise;
  }

  /** Makes the call. `awaitPromise` attaches a handler to a returned Promise; otherwise it is left unhandled. */
  run(call: (value: unknown) => unknown, awaitPromise: boolean): this {
    try {
      this.returned = call(this.bag.value);
    } catch (error) {
      this.didThrow = true;
      this.threw = error;
    }
    this.returnedAt = nextOrder();
    if (awaitPromise && this.returned instanceof Promise) {
      this.returned.then(
        (value) => {
          this.promiseSettled.push('resolved');
          this.promiseValue = value;
        },
        (reason) => {
          this.promiseSettled.push('rejected');
          this.promiseValue = reason;
        },
      );
    }
    return this;
  }

  /** The result the call ended with, if a spy saw it. */
  get outcome(): { kind: 'success' | 'fail'; errMsg: string } | undefined {
    for (const kind of ['success', 'fail'] as const) {
      const call = this.bag.calls[kind].calls[0];
      if (call) return { kind, errMsg: String((call.result as { errMsg?: unknown }).errMsg) };
    }
    const complete = this.bag.calls.complete.calls[0];
    if (complete) {
      const errMsg = String((complete.result as { errMsg?: unknown }).errMsg);
      return { kind: OK.test(errMsg) ? 'success' : 'fail', errMsg };
    }
    return undefined;
  }

  /** Everything wrong with how the call ended. Call once everything has settled. */
  problems(): string[] {
    const problems: string[] = [];
    const say = (text: string) => problems.push(`${this.label}: ${text}`);
    if (this.didThrow) say(`threw ${describe(this.threw)}`);
    const { calls, readable } = this.bag;
    const count = (key: (typeof CALLBACK_KEYS)[number]) => calls[key].calls.length;
    for (const key of CALLBACK_KEYS) {
      if (count(key) > 1) say(`${key} called ${count(key)} times`);
      for (const { order, result } of calls[key].calls) {
        if (order < this.returnedAt) say(`${key} called before the call returned`);
        const errMsg = (result as { errMsg?: unknown } | undefined)?.errMsg;
        if (typeof errMsg !== 'string') say(`${key} got no errMsg string`);
        else if (key === 'success' && !OK.test(errMsg)) say(`success with ${JSON.stringify(errMsg)}`);
        else if (key === 'fail' && !FAIL.test(errMsg)) say(`fail with ${JSON.stringify(errMsg)}`);
        else if (key === 'complete' && !OK.test(errMsg) && !FAIL.test(errMsg))
          say(`complete with ${JSON.stringify(errMsg)}`);
      }
    }
    if (count('success') + count('fail') > 1) say('both success and fail were called');
    const outcomeCall = calls.success.calls[0] ?? calls.fail.calls[0];
    const completeCall = calls.complete.calls[0];
    if (outcomeCall && completeCall) {
      if (completeCall.order < outcomeCall.order) say('complete came before success/fail');
      if (completeCall.result !== outcomeCall.result) say('complete got another result object than success/fail');
    }
    if (this.honoured) {
      if (readable.complete && count('complete') !== 1)
        say(`complete called ${count('complete')} times, expected once`);
      if (readable.success && readable.fail && count('success') + count('fail') !== 1)
        say('neither success nor fail was called');
    } else if (count('success') + count('fail') + count('complete') > 0) {
      say('callbacks were called although the API must not read them here');
    }
    if (this.expectPromise) {
      if (!(this.returned instanceof Promise)) say(`returned ${describe(this.returned)}, expected a Promise`);
    } else if (this.returned instanceof Promise) {
      say('returned a Promise although callbacks were given or the API has no Promise style here');
    }
    if (this.promiseSettled.length > 1) say('the Promise settled twice');
    return problems;
  }
}

/** A short description of any value, never throwing. */
export function describe(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
    return String(value);
  } catch {
    return '(unprintable)';
  }
}

/** An error reporter that records where each report came from (and optionally throws itself). */
export class Reports {
  readonly entries: Array<{ error: unknown; where: string }> = [];
  readonly #throws: boolean;
  constructor(throws = false) {
    this.#throws = throws;
  }
  readonly report = (error: unknown, where: string): void => {
    this.entries.push({ error, where });
    if (this.#throws) throw new Error('the reporter itself throws');
  };
  /** Reports that did not come from user code: wxsocket itself threw somewhere. */
  internal(): string[] {
    return this.entries
      .filter(({ where }) => !USER_CODE.test(where) && !TRANSPORT.test(where))
      .map(({ error, where }) => `${where}: ${describe(error)}`);
  }
  /** Reports of the transport's own errors and bugs. */
  transport(): string[] {
    return this.entries
      .filter(({ where }) => TRANSPORT.test(where))
      .map(({ error, where }) => `${where}: ${describe(error)}`);
  }
}

/** A task's events in order, from its own listeners. */
export type TaskEvent = { name: 'open' | 'message' | 'error' | 'close'; result: unknown; order: number };

/** Problems with a task's event sequence (§0.6, §2 event order). `touchedNetwork`: a transport was asked to connect. */
export function eventProblems(
  label: string,
  events: readonly TaskEvent[],
  touchedNetwork: boolean,
  readyState: unknown,
): string[] {
  const problems: string[] = [];
  const say = (text: string) => problems.push(`${label}: ${text} [${events.map((event) => event.name).join(', ')}]`);
  const names = events.map((event) => event.name).join(' ');
  const pattern = /^(?:open(?: message)*)?(?: ?error)?(?: ?close)?$/;
  if (!pattern.test(names)) say('events out of order');
  const count = (name: TaskEvent['name']) => events.filter((event) => event.name === name).length;
  if (count('open') > 1) say('onOpen fired more than once');
  if (count('error') > 1) say('onError fired more than once');
  if (count('close') > 1) say('onClose fired more than once');
  if (touchedNetwork && count('close') !== 1)
    say('a task that touched the network did not end with exactly one onClose');
  if (events.length > 0 && readyState !== 3) say(`readyState is ${String(readyState)} after the task ended`);
  for (const event of events) {
    const result = event.result as Record<string, unknown>;
    if (event.name === 'error' && typeof result['errMsg'] !== 'string') say('onError without an errMsg string');
    if (event.name === 'close' && (typeof result['code'] !== 'number' || typeof result['reason'] !== 'string'))
      say('onClose without code and reason');
    if (event.name === 'message' && typeof result['data'] !== 'string' && !(result['data'] instanceof ArrayBuffer))
      say('onMessage with data neither string nor ArrayBuffer');
  }
  return problems;
}
