/**
 * RFC 6455 on the wire, by hand: a raw frame writer (§5.2), for faults that no well-behaved library would send, and
 * the handshake's accept key (§4.2.2), which the test kit's faulty answers and `wxsocket doctor`'s check of a server's
 * answer both compute.
 *
 * Frames are built whole and written with a single `socket.write`, so they never interleave with frames `ws` writes
 * on the same socket.
 */
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';

/** Frame opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** The three reserved bits of the first header octet, as they sit there. */
export const ReservedBit = { RSV1: 0x40, RSV2: 0x20, RSV3: 0x10 } as const;

/** One frame to encode. */
interface RawFrame {
  /** 4-bit opcode, valid or not. */
  opcode: number;
  /** Payload bytes (a string is sent as UTF-8). Default: empty. */
  payload?: Uint8Array | string;
  /** The FIN bit. Default: true. */
  fin?: boolean;
  /** Reserved bits to set, an OR of {@link ReservedBit} values. Default: none. */
  reservedBits?: number;
  /** Mask the payload, as only clients may (a server must not, RFC 6455 §5.1). Default: false. */
  mask?: boolean;
  /**
   * The payload length written in the header, when it must differ from the real one (an oversized frame whose
   * payload is never sent). Default: the payload's length.
   */
  announcedLength?: number;
}

/** Encodes one frame, header and payload, into a single buffer. */
export function encodeFrame(frame: RawFrame): Buffer {
  const payload =
    typeof frame.payload === 'string' ? Buffer.from(frame.payload, 'utf8') : Buffer.from(frame.payload ?? []);
  const length = frame.announcedLength ?? payload.length;
  const first = ((frame.fin ?? true) ? 0x80 : 0) | (frame.reservedBits ?? 0) | (frame.opcode & 0x0f);
  const maskBit = frame.mask === true ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, maskBit | length]);
  } else if (length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (frame.mask !== true) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (key[index % 4] ?? 0)));
  return Buffer.concat([header, key, masked]);
}

/** The payload of a close frame: the 2-byte code, then the reason as UTF-8 (RFC 6455 §5.5.1). */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2, 'utf8');
  return payload;
}

/**
 * Splits `data` into `count` non-empty pieces at byte boundaries (a UTF-8 character may be cut in two, as peers
 * may do: only the reassembled message must be valid). Fewer pieces come back when `data` is shorter than `count`.
 */
export function splitBytes(data: Uint8Array, count: number): Buffer[] {
  const pieces = Math.max(1, Math.min(count, data.length));
  const size = Math.ceil(data.length / pieces);
  const result: Buffer[] = [];
  for (let offset = 0; offset < data.length || result.length === 0; offset += size) {
    result.push(Buffer.from(data.subarray(offset, offset + size)));
  }
  return result;
}

/** The `Sec-WebSocket-Accept` a server answers a `Sec-WebSocket-Key` with (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}
