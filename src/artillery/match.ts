/**
 * What `expect` checks on a message, and what it captures from it: JSON fields by path (`$.user.id`, `items[0]`),
 * or the text (whole, a part, a regular expression). Binary messages are read as UTF-8 text.
 */

/** An `expect` step's checks, its templates already filled in for this virtual user. */
export interface MessageCheck {
  /** The message must be JSON; each path must hold the value (compared as text when either is not an object). */
  readonly json?: Readonly<Record<string, unknown>>;
  /** The message must be exactly this text. */
  readonly text?: string;
  /** The message must contain this text. */
  readonly contains?: string;
  /** The message must match this regular expression (compiled already unless it came from a template). */
  readonly regexp?: string | RegExp;
  /** Values to store in the virtual user's variables: a JSON path or a regular expression (its first group). */
  readonly capture?: readonly Capture[];
}

export interface Capture {
  readonly as: string;
  readonly json?: string;
  readonly regexp?: string | RegExp;
}

export type CheckResult =
  | { readonly matched: true; readonly captured: Readonly<Record<string, unknown>> }
  | { readonly matched: false; readonly capture: boolean; readonly why: string };

const decoder = new TextDecoder();

/** Checks a message. A capture that finds nothing fails the check (`capture: true`), after the matches pass. */
export function checkMessage(data: string | ArrayBuffer, check: MessageCheck): CheckResult {
  const text = typeof data === 'string' ? data : decoder.decode(data);
  let parsed: { value: unknown } | undefined;
  const json = (): { value: unknown } | undefined => {
    if (parsed === undefined) {
      try {
        parsed = { value: JSON.parse(text) };
      } catch {
        return undefined;
      }
    }
    return parsed;
  };
  const mismatch = (why: string): CheckResult => ({ matched: false, capture: false, why });

  if (check.text !== undefined && text !== check.text)
    return mismatch(`text is ${preview(text)}, not ${preview(check.text)}`);
  if (check.contains !== undefined && !text.includes(check.contains))
    return mismatch(`${preview(text)} does not contain ${preview(check.contains)}`);
  if (check.regexp !== undefined && !regexp(check.regexp).test(text))
    return mismatch(`${preview(text)} does not match ${String(regexp(check.regexp))}`);
  if (check.json !== undefined) {
    const document = json();
    if (document === undefined) return mismatch(`${preview(text)} is not JSON`);
    for (const [path, expected] of Object.entries(check.json)) {
      const actual = readPath(document.value, path);
      if (!sameValue(actual, expected))
        return mismatch(
          `${path} is ${actual === undefined ? 'missing' : shorten(JSON.stringify(actual))}, not ${shorten(JSON.stringify(expected))}`,
        );
    }
  }
  const captured: Record<string, unknown> = {};
  for (const capture of check.capture ?? []) {
    let value: unknown;
    if (capture.json !== undefined) {
      const document = json();
      value = document === undefined ? undefined : readPath(document.value, capture.json);
    } else if (capture.regexp !== undefined) {
      const found = regexp(capture.regexp).exec(text);
      value = found ? (found[1] ?? found[0]) : undefined;
    }
    if (value === undefined)
      return { matched: false, capture: true, why: `nothing to capture as ${capture.as} in ${preview(text)}` };
    captured[capture.as] = value;
  }
  return { matched: true, captured };
}

const regexp = (source: string | RegExp): RegExp => (typeof source === 'string' ? new RegExp(source) : source);

const SEGMENT = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;

/** Whether a path is one `readPath` understands: `$`, then `.name`, `[index]` or `['name']` segments. */
export function isJsonPath(path: string): boolean {
  const rest = path.startsWith('$') ? path.slice(1) : `.${path}`;
  return rest.replace(SEGMENT, '') === '';
}

/** The value at a path such as `$.user.id`, `$.items[0].name` or `user.id`; `undefined` when absent. */
export function readPath(document: unknown, path: string): unknown {
  const rest = path.startsWith('$') ? path.slice(1) : `.${path}`;
  let value = document;
  for (const found of rest.matchAll(SEGMENT)) {
    const key = found[1] ?? found[2] ?? found[3]!;
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Templates make text of everything (`'{{ id }}'` becomes `'42'`), so scalars compare as text; objects and arrays
 * compare by their JSON.
 */
function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === undefined) return false;
  const scalar = (value: unknown): boolean => typeof value !== 'object' || value === null;
  if (scalar(actual) && scalar(expected)) return String(actual) === String(expected);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/** A message in an error, quoted and cut short. */
function preview(text: string): string {
  return JSON.stringify(shorten(text));
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
