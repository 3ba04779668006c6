/**
 * How the CLI shows the values WeChat delivers: as compact JavaScript-like literals for people, and as plain JSON
 * for machines. Both show the object exactly as delivered: its own enumerable fields, strings quoted, and an
 * `ArrayBuffer` as its byte length and bytes (it has no fields of its own to show).
 */
import { stripColour, type Style } from './style.js';

/** Bytes of an ArrayBuffer shown before `…` in the human form. */
const SHOWN_BYTES = 32;
/** Nesting shown before `…` (WeChat's results are at most two levels deep). */
const MAX_DEPTH = 4;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Options of {@link formatValue}. */
interface FormatOptions {
  readonly style: Style;
  /** Columns available; an object longer than this is spread over several lines. */
  readonly width: number;
  /** Columns already used on the first line (the label before the value). */
  readonly indent?: number;
}

/** Renders a value for people: one line when it fits in `width`, else one field per line. */
export function formatValue(value: unknown, options: FormatOptions): string {
  const start = options.indent ?? 0;
  return render(value, options.style, start, start, options.width, 0, new Set());
}

/**
 * `indent` is the indentation of the block the value belongs to; `start` the column where the value itself begins
 * (after a label). Expanded fields go one level deeper than the block, not under the label.
 */
function render(
  value: unknown,
  style: Style,
  indent: number,
  start: number,
  width: number,
  depth: number,
  seen: Set<object>,
): string {
  const line = inline(value, style, depth, seen);
  if (start + visibleLength(line) <= width || !isExpandable(value) || depth >= MAX_DEPTH || seen.has(value))
    return line;
  // One plain field gains nothing from a line of its own.
  const fields = Object.values(value);
  if (fields.length <= 1 && !fields.some(isExpandable)) return line;
  seen.add(value);
  const inner = indent + 2;
  const entries = Array.isArray(value)
    ? value.map((item) => render(item, style, inner, inner, width, depth + 1, seen))
    : Object.entries(value).map(([key, item]) => {
        const label = `${formatKey(key)}: `;
        return label + render(item, style, inner, inner + label.length, width, depth + 1, seen);
      });
  seen.delete(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const pad = ' '.repeat(inner);
  return `${open}\n${entries.map((entry) => pad + entry).join(',\n')}\n${' '.repeat(indent)}${close}`;
}

function isExpandable(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value);
}

function inline(value: unknown, style: Style, depth: number, seen: Set<object>): string {
  if (typeof value === 'string') return style.green(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return style.yellow(String(value));
  if (value === null || value === undefined) return style.dim(String(value));
  if (typeof value === 'function') return style.dim('ƒ');
  if (typeof value === 'symbol') return style.dim(value.toString());
  if (value instanceof ArrayBuffer) return style.cyan(describeBytes('ArrayBuffer', new Uint8Array(value)));
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return style.cyan(describeBytes(value.constructor.name, bytes));
  }
  if (seen.has(value) || depth >= MAX_DEPTH) return style.dim('…');
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => inline(item, style, depth + 1, seen)).join(', ')}]`;
    if (value instanceof Error) return style.red(`${value.name}: ${value.message}`);
    const fields = Object.entries(value).map(
      ([key, item]) => `${formatKey(key)}: ${inline(item, style, depth + 1, seen)}`,
    );
    return fields.length === 0 ? '{}' : `{${fields.join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

/** `ArrayBuffer(4) <de ad be ef>`; long ones end with `…`. */
export function describeBytes(kind: string, bytes: Uint8Array): string {
  const shown = toHex(bytes.subarray(0, SHOWN_BYTES), ' ');
  return `${kind}(${bytes.byteLength}) <${shown}${bytes.byteLength > SHOWN_BYTES ? ' …' : ''}>`;
}

function formatKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** Lower-case hex of some bytes, joined by `separator`. */
export function toHex(bytes: Uint8Array, separator = ''): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(separator);
}

/**
 * Reads hex bytes as typed: pairs of hex digits, optionally separated by spaces, colons or dashes, with an
 * optional `0x`. Returns `undefined` for anything else (an odd digit count, a non-hex character).
 */
export function parseHex(text: string): ArrayBuffer | undefined {
  const digits = text
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:-]/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes.buffer;
}

/**
 * A JSON-safe copy of a delivered value: an ArrayBuffer (or view) becomes `{type, byteLength, hex}`, an Error
 * `{name, message}`, a function the string `"function"` (callbacks passed in options: their presence matters);
 * `undefined` fields are left out, as `JSON.stringify` would.
 */
export function toJson(value: unknown, depth = 0): unknown {
  if (value instanceof ArrayBuffer)
    return { type: 'ArrayBuffer', byteLength: value.byteLength, hex: toHex(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { type: value.constructor.name, byteLength: bytes.byteLength, hex: toHex(bytes) };
  }
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'function';
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) return value.map((item) => toJson(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) copy[key] = toJson(item, depth + 1);
  }
  return copy;
}

/** The on-screen length of a string that may hold colour codes. */
export function visibleLength(text: string): number {
  return stripColour(text).length;
}

/** Milliseconds for people: `0.4 ms`, `12 ms`, `1.25 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes for people: `512 B`, `1.5 KiB`, `95.0 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
