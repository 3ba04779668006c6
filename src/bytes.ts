/**
 * Bytes, shared by the core and the native transport: UTF-8 byte counts (the close-reason limit of contract §2, the
 * native transport's send accounting and message limit) and the ArrayBuffer check (`send`'s data, received binary).
 */

/**
 * UTF-8 byte length of a string, as `TextEncoder` and `bufferedAmount` count it (a lone surrogate counts 3: U+FFFD).
 * Counted rather than encoded: no copy of a large message is made just to learn its length.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    bytes += unit < 0x800 ? 1 : 2; // 2 or 3 bytes for one unit; a surrogate pair is 2 units, 4 bytes
    if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
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
