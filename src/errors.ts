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
