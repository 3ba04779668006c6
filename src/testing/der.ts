/**
 * A minimal DER (ITU-T X.690) writer: just the types an X.509 v3 certificate needs.
 *
 * Written here rather than taken from a dependency because the candidates either patch globals
 * (`@peculiar/x509` needs `reflect-metadata`) or are far larger than the few encoders below. Every value is built
 * bottom-up as a complete TLV, so a certificate is a tree of calls that reads like its ASN.1 definition (RFC 5280
 * §4.1).
 */
import { Buffer } from 'node:buffer';

/** Tag numbers of the universal types used, and the context-specific tag classes. */
const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  /** Context-specific, primitive: `[n] IMPLICIT` of a primitive type. */
  CONTEXT_PRIMITIVE: 0x80,
  /** Context-specific, constructed: `[n] EXPLICIT`, or `[n] IMPLICIT` of a constructed type. */
  CONTEXT_CONSTRUCTED: 0xa0,
} as const;

/** Encodes a length in DER's definite form: short for < 128, else long with the minimal number of octets. */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One TLV: the tag octet, the length, the content. */
function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** `SEQUENCE { ...items }` */
export function sequence(...items: readonly Uint8Array[]): Buffer {
  return tlv(Tag.SEQUENCE, Buffer.concat(items));
}

/** `SET { ...items }` (callers pass a single item, so no sorting is needed for DER). */
export function set(...items: readonly Uint8Array[]): Buffer {
  return tlv(Tag.SET, Buffer.concat(items));
}

/** `BOOLEAN`; DER requires 0xff for true. */
export function boolean(value: boolean): Buffer {
  return tlv(Tag.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
}

/** `INTEGER` from a non-negative integer or its big-endian magnitude bytes; minimal two's-complement form. */
export function integer(value: number | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const octets: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    bytes = Buffer.from(octets.length === 0 ? [0] : octets);
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] ?? 0) & 0x80) === 0) start += 1;
  bytes = bytes.subarray(start);
  // A set top bit would read as negative: prefix a zero octet.
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(Tag.INTEGER, bytes);
}

/** `OBJECT IDENTIFIER` from dotted form, e.g. `'2.5.4.3'`. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    // Base 128, most significant group first, continuation bit on all but the last.
    const groups: number[] = [arc % 128];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128)) groups.unshift((high % 128) | 0x80);
    octets.push(...groups);
  }
  return tlv(Tag.OID, Buffer.from(octets));
}

/** `UTF8String` */
export function utf8String(value: string): Buffer {
  return tlv(Tag.UTF8_STRING, Buffer.from(value, 'utf8'));
}

/** `OCTET STRING` */
export function octetString(content: Uint8Array): Buffer {
  return tlv(Tag.OCTET_STRING, content);
}

/** `BIT STRING` with the given number of unused bits in the last octet. */
export function bitString(content: Uint8Array, unusedBits = 0): Buffer {
  return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** X.509 `Time`: UTCTime for the years 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(Tag.UTC_TIME, Buffer.from(digits.slice(2), 'ascii'));
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT inner` */
export function explicit(tagNumber: number, inner: Uint8Array): Buffer {
  return tlv(Tag.CONTEXT_CONSTRUCTED | tagNumber, inner);
}

/** `[n] IMPLICIT` of a primitive type: the content octets under a context-specific tag. */
export function implicitPrimitive(tagNumber: number, content: Uint8Array): Buffer {
  return tlv(Tag.CONTEXT_PRIMITIVE | tagNumber, content);
}
