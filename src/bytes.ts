/**
 * Bytes, shared by the core and the native transport: UTF-8 byte counts (the close-reason limit of contract §2, the
 * native transport's send accounting and message limit) and the ArrayBuffer check (`send`'s data, received binary).
 */

/**
 * UTF-8 byte length of a string, as `TextEncoder` and `bufferedAmount` count it (a lone surrogate counts 3: U+FFFD).
 * Counted rather than encoded: no copy of a large message is made just to learn its length.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  // By code point: a surrogate pair is one code point of 4 bytes; a lone surrogate falls in the 3-byte range.
  for (const char of text) {
    const point = char.codePointAt(0)!;
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Any realm's ArrayBuffer (jest runs tests in their own realm); not a SharedArrayBuffer, view or Blob. */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  // The `byteLength` getter checks for a real ArrayBuffer of any realm and throws for anything else (a
  // SharedArrayBuffer, a proxy, an object whose Symbol.toStringTag says 'ArrayBuffer'), where `instanceof` and the
  // tag can be fooled or throw themselves.
  try {
    arrayBufferByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;
