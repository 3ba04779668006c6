/**
 * The `errMsg` catalogue's texts for a connection that fails after open (`onError`, then `onClose` 1006), by the
 * failure's code: `ws`'s `WS_ERR_*` codes. The texts are ours [ours, docs/decisions.md], close to `ws`'s but without
 * the values it puts in them, so they change with wxsocket and not with `ws` releases. Kept apart from `errmsg.ts`
 * because only the Node transport can name these failures: a browser's WebSocket gives no code.
 */
import { abnormalClosure } from './errmsg.js';

/** The texts by code; exported so the contract's test checks each one against docs/contract.md §2. */
export const FAILURES_AFTER_OPEN: Readonly<Record<string, string>> = Object.freeze({
  WS_ERR_INVALID_UTF8: 'Invalid WebSocket frame: invalid UTF-8 sequence',
  WS_ERR_UNEXPECTED_RSV_1: 'Invalid WebSocket frame: RSV1 must be clear',
  WS_ERR_UNEXPECTED_RSV_2_3: 'Invalid WebSocket frame: RSV2 and RSV3 must be clear',
  WS_ERR_INVALID_OPCODE: 'Invalid WebSocket frame: invalid opcode',
  WS_ERR_EXPECTED_FIN: 'Invalid WebSocket frame: FIN must be set',
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: 'Invalid WebSocket frame: control frame longer than 125 bytes',
  WS_ERR_EXPECTED_MASK: 'Invalid WebSocket frame: MASK must be set',
  WS_ERR_UNEXPECTED_MASK: 'Invalid WebSocket frame: MASK must be clear',
  WS_ERR_INVALID_CLOSE_CODE: 'Invalid WebSocket frame: invalid status code',
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 'Unsupported WebSocket frame: payload length > 2^53 - 1',
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'Max payload size exceeded',
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 'Too many fragments in one message',
});

/**
 * The `errMsg` of a failure after open with this code. Any other code (a reset's `ECONNRESET`, a code this table
 * does not know yet) is an abnormal closure, the text Android gives a connection that died [src Android].
 */
export function failureAfterOpen(code: unknown): string {
  return typeof code === 'string' && Object.hasOwn(FAILURES_AFTER_OPEN, code)
    ? FAILURES_AFTER_OPEN[code]!
    : abnormalClosure;
}
