/**
 * The two kinds of failure of the Artillery engine: a script that cannot run (thrown when the engine is created,
 * before any virtual user starts) and a step that failed while a virtual user ran (reported by its kind, which is
 * the name Artillery counts it under: `errors.<kind>`).
 */

/**
 * `config.engines.wxsocket` or a scenario's flow is invalid. `path` names the setting, e.g.
 * `config.engines.wxsocket.platform` or `scenarios[0].flow[2].expect.timeout`.
 */
export class EngineConfigError extends TypeError {
  readonly code = 'WXSOCKET_ARTILLERY_INVALID_CONFIG';
  override readonly name = 'EngineConfigError';

  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`wxsocket engine: ${path} ${problem}`);
  }
}

/**
 * What a failed step reports. Each is counted by Artillery as `errors.<kind>`, once per virtual user (the first
 * failure ends the virtual user).
 */
export type StepErrorKind =
  /** `expect` saw no matching message in time. */
  | 'expect_timeout'
  /** `expect` got a message that does not match (and `skip` was not set). */
  | 'expect_mismatch'
  /** `expect` could not capture a value it was asked for. */
  | 'capture_failed'
  /** `connectSocket` refused: the mini program already has `maxConnections` sockets (contract §6). */
  | 'socket_limit'
  /** The handshake did not finish within the timeout (`Timer Expired`). */
  | 'handshake_timeout'
  /**
   * No HTTP response: refused, reset, DNS or TLS failure (`Underlying Transport Error`; android from base library
   * 3.0.0 on names DNS and TLS failures, `Host not found(authoritative)` and `TLS handshake failed`, §9.2).
   */
  | 'handshake_transport_error'
  /** An HTTP response that is not a WebSocket upgrade (`Invalid HTTP status`). */
  | 'handshake_http_status'
  /** The URL is not in the legal domains. */
  | 'handshake_domain_rejected'
  /** `connectSocket` refused its options (URL, header, subprotocol). */
  | 'connect_invalid_options'
  /** Any other handshake failure. */
  | 'handshake_failed'
  /** A reliable socket did not open (again) in time. */
  | 'reconnect_timeout'
  /** A step used a socket that is closed, or was closed by the server while the step waited on it. */
  | 'socket_closed'
  /** A step named a socket this virtual user has not connected. */
  | 'unknown_socket'
  /** `send` failed (`fail` callback, or a reliable socket that dropped the message). */
  | 'send_failed'
  /** `close` was refused (a code or reason WeChat does not accept). */
  | 'close_failed'
  /** `close` got no `onClose` in time. */
  | 'close_timeout'
  /** A `function` step threw, rejected or passed an error to its callback. */
  | 'function_error'
  /** A step's templated value is not usable (a duration, a loop count, a close code). */
  | 'invalid_step';

/** A step failed; `kind` is what Artillery counts, `message` says what happened. */
export class StepError extends Error {
  override readonly name = 'StepError';

  constructor(
    readonly kind: StepErrorKind,
    message: string,
  ) {
    super(`${kind}: ${message}`);
  }
}

/**
 * The kind of a failed `connectSocket` or `onError`, from WeChat's `errMsg` (the texts are in `src/errmsg.ts`).
 * Families rather than texts, so that a family is one counter however the message goes on.
 */
export function kindOfErrMsg(errMsg: string): StepErrorKind {
  if (errMsg.includes('reach max websocket connect count')) return 'socket_limit';
  if (errMsg.includes('Timer Expired')) return 'handshake_timeout';
  if (/Underlying Transport Error|Host not found|TLS handshake failed/.test(errMsg)) return 'handshake_transport_error';
  if (errMsg.includes('Invalid HTTP status')) return 'handshake_http_status';
  if (errMsg.includes('not in domain list')) return 'handshake_domain_rejected';
  if (errMsg.includes('invalid url') || errMsg.includes('parameter error')) return 'connect_invalid_options';
  return 'handshake_failed';
}
