/**
 * Library errors: thrown only by wxsocket's own functions (`createWx`, `installWx`), never by a `wx.*` or
 * `SocketTask` method, which report through `fail` as WeChat does (contract §0.5).
 */

/**
 * A `createWx`/`installWx` option is invalid. `option` names it (e.g. `networkTimeout.connectSocket`); the message
 * says what is wrong, starting with the option's path: `createWx: maxConnections must be …`.
 */
export class WxOptionsError extends TypeError {
  readonly code = 'WXSOCKET_INVALID_OPTION';
  override readonly name = 'WxOptionsError';

  constructor(
    readonly option: string,
    problem: string,
    cause?: unknown,
  ) {
    super(`createWx: ${problem}`, cause === undefined ? undefined : { cause });
  }
}

/**
 * Bad input to the emulated phone's control (`phoneOf(wx)`, contract §8): an unknown network type, a negative
 * latency, an unknown key, a `phoneOf` argument that is no `wx` object. `method` names the call (`phone.weaken`,
 * `phoneOf`); the message starts with it: `phone.weaken: latency.up must be …`. Like `WxOptionsError`, a
 * programming mistake in the test, not a WeChat result.
 */
export class WxPhoneError extends TypeError {
  readonly code = 'WXSOCKET_INVALID_PHONE_INPUT';
  override readonly name = 'WxPhoneError';

  constructor(
    readonly method: string,
    problem: string,
  ) {
    super(`${method}: ${problem}`);
  }
}
