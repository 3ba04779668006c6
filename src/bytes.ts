/**
 * UTF-8 byte counts, shared by the close-reason limit (contract §2) and the native transport's send accounting.
 * Counted rather than encoded: no copy of a large message is made just to learn its length.
 */

/** UTF-8 byte length of a string, as `TextEncoder` and `bufferedAmount` count it (a lone surrogate counts 3: U+FFFD). */
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
