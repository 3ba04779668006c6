/**
 * The timeline of `demo` and `connect`: what the program called and what WeChat delivered back, in order, with the
 * time since start. Lines are written as things happen. Every delivered payload is the very object a callback or
 * listener received; nothing is reconstructed.
 *
 * People get aligned, coloured lines; `--json` gets one JSON object per line (NDJSON), `t` in ms since the start:
 * - `{"t", "type": "call", "name": "wx.connectSocket", "payload": <options>}`
 * - `{"t", "type": "callback" | "listener", "name": "task.onOpen", "payload": <what was delivered>}`
 * - `{"t", "type": "note", "text"}` and `{"t", "type": "section", "title", "detail"?}`
 * plus the context fields set with `setContext` (the demo's `profile` and `flow`).
 */
import { formatValue, toJson, visibleLength } from './format.js';
import type { Style } from './style.js';

/** What a timeline line records: a call the program made, a callback, a listener, or a note explaining a step. */
type EntryType = 'call' | 'callback' | 'listener' | 'note' | 'section';

/** Options of a {@link Timeline}. */
interface TimelineOptions {
  /** Writes one finished line (with its newline). */
  readonly write: (text: string) => void;
  readonly json: boolean;
  readonly style: Style;
  /** Columns of the terminal (80 for pipes). */
  readonly width: number;
  /** Milliseconds, monotonic. Default `performance.now`. */
  readonly now?: () => number;
}

const TIME_WIDTH = 12;
const NAME_WIDTH = 30;

/** A running timeline. Context fields (`profile`, `flow`) are added to every JSON line while set. */
export class Timeline {
  readonly #options: TimelineOptions;
  readonly #now: () => number;
  readonly #start: number;
  #context: Record<string, string> = {};

  constructor(options: TimelineOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Milliseconds since the timeline began. */
  get elapsed(): number {
    return this.#now() - this.#start;
  }

  /** Sets fields added to every JSON line from now on (e.g. `{profile: 'ios'}`). */
  setContext(context: Record<string, string>): void {
    this.#context = { ...context };
  }

  /** A heading: a new part of the run. */
  section(title: string, detail?: string): void {
    const { style } = this.#options;
    if (this.#options.json) return this.#json({ type: 'section', title, ...(detail !== undefined && { detail }) });
    const second = detail === undefined ? '' : `${' '.repeat(TIME_WIDTH + 2)}${style.dim(detail)}\n`;
    this.#options.write(`\n${style.bold(title)}\n${second}`);
  }

  /** The program calls an API: `wx.connectSocket`, with its options (callbacks show as `ƒ`, `"function"` in JSON). */
  call(name: string, argument?: unknown): void {
    if (this.#options.json)
      return this.#json({ type: 'call', name, ...(argument !== undefined && { payload: toJson(argument) }) });
    const { style } = this.#options;
    const shown =
      argument === undefined ? '()' : `(${formatValue(argument, { style, width: Number.POSITIVE_INFINITY })})`;
    this.#line(style.dim('→'), style.bold(name), shown);
  }

  /** A callback (`success`, `fail`, `complete`) or listener received `payload`. */
  deliver(type: 'callback' | 'listener', name: string, payload: unknown): void {
    if (this.#options.json) return this.#json({ type, name, payload: toJson(payload) });
    const { style } = this.#options;
    const failed = /(?:^|\W)(?:fail|onError|onSocketError)$/.test(name) || /\.fail$/.test(name);
    const paint = failed ? style.red : type === 'callback' ? style.green : style.cyan;
    const indent = TIME_WIDTH + 2 + NAME_WIDTH + 1;
    const value = formatValue(payload, { style, width: Math.max(this.#options.width, indent + 40), indent });
    this.#line(style.dim('←'), paint(name), value);
  }

  /** An explanation of what just happened or what comes next; never a WeChat event. */
  note(text: string): void {
    if (this.#options.json) return this.#json({ type: 'note', text });
    this.#options.write(`${' '.repeat(TIME_WIDTH + 2)}${this.#options.style.dim(`· ${text}`)}\n`);
  }

  #line(arrow: string, name: string, value: string): void {
    const time = `+${formatElapsed(this.elapsed)}`.padStart(TIME_WIDTH - 1);
    const pad = ' '.repeat(Math.max(1, NAME_WIDTH - visibleLength(name)));
    this.#options.write(`${this.#options.style.dim(time)} ${arrow} ${name}${pad}${value}\n`);
  }

  #json(entry: { type: EntryType } & Record<string, unknown>): void {
    this.#options.write(`${JSON.stringify({ t: Math.round(this.elapsed * 10) / 10, ...entry, ...this.#context })}\n`);
  }
}

/** `12.3 ms` with a fixed number of decimals, so the column lines up. */
function formatElapsed(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}
