/**
 * `wxsocket doctor`'s progress on a terminal: each check's line as soon as it is known, and below them a status line
 * (a spinner, the step under way and its seconds so far) that is redrawn in place and erased at the end. A server
 * that never answers otherwise means tens of seconds of silence. Pipes and files get the report at the end only.
 */
import { formatResult, type CheckResult } from './doctor-report.js';
import type { Style } from './style.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Redraws per second of the status line: enough for the spinner to look alive. */
const TICK_MS = 100;
const ERASE_LINE = '\r\u001b[2K';

/** The live view of a doctor run on a terminal. */
export class DoctorProgress {
  readonly #write: (text: string) => void;
  readonly #style: Style;
  readonly #columns: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #status = '';
  #since = performance.now();
  #frame = 0;
  #drawn = false;

  constructor(options: { write: (text: string) => void; style: Style; columns: number; heading: string }) {
    this.#write = options.write;
    this.#style = options.style;
    this.#columns = options.columns;
    this.#write(`${this.#style.bold(options.heading)}\n\n`);
    this.#timer = setInterval(() => this.#draw(), TICK_MS);
    this.#timer.unref();
  }

  /** The step now under way, e.g. `TLS: connecting to 203.0.113.7:443`. */
  step(text: string): void {
    this.#status = text;
    this.#since = performance.now();
    this.#draw();
  }

  /** A check's result: printed above the status line. */
  result(result: CheckResult): void {
    this.#erase();
    this.#write(`${formatResult(result, this.#style).join('\n')}\n`);
    this.#draw();
  }

  /** Ends the live view: the status line goes, the verdict is printed. */
  finish(verdict: string): void {
    clearInterval(this.#timer);
    this.#erase();
    this.#write(`\n${verdict}\n`);
  }

  #draw(): void {
    if (this.#status === '') return;
    this.#frame = (this.#frame + 1) % FRAMES.length;
    const seconds = Math.floor((performance.now() - this.#since) / 1000);
    const text = `${FRAMES[this.#frame]} ${this.#status}${seconds >= 1 ? ` (${seconds} s)` : ''}`;
    // Longer than the terminal, the line would wrap and the next erase would leave half of it.
    const room = Math.max(10, this.#columns - 3);
    const fitted = text.length > room ? `${text.slice(0, room - 1)}…` : text;
    this.#write(`${ERASE_LINE}  ${this.#style.dim(fitted)}`);
    this.#drawn = true;
  }

  #erase(): void {
    if (this.#drawn) this.#write(ERASE_LINE);
    this.#drawn = false;
  }
}
