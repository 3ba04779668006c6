/**
 * Terminal colours for the CLI. Colour is on only for a terminal, and never when `NO_COLOR` is set to anything
 * but the empty string (https://no-color.org); `FORCE_COLOR` turns it on for pipes (`0` or `false` turn it off).
 */

/** A styling function: returns the text wrapped in ANSI codes, or unchanged when colour is off. */
type Paint = (text: string) => string;

/** The styles the CLI uses, each named for its meaning where it has one. */
export interface Style {
  readonly enabled: boolean;
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly blue: Paint;
  readonly magenta: Paint;
  readonly cyan: Paint;
}

/** The parts of a stream and an environment that decide whether to colour. */
interface ColourContext {
  readonly isTTY?: boolean | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Whether output to this stream should be coloured. */
function colourEnabled({ isTTY, env }: ColourContext): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY === true && env['TERM'] !== 'dumb';
}

const code =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

/** Builds the styles for one output stream. */
export function createStyle(context: ColourContext): Style {
  const on = colourEnabled(context);
  const pick = (paint: Paint): Paint => (on ? paint : plain);
  return {
    enabled: on,
    bold: pick(code(1, 22)),
    dim: pick(code(2, 22)),
    red: pick(code(31, 39)),
    green: pick(code(32, 39)),
    yellow: pick(code(33, 39)),
    blue: pick(code(34, 39)),
    magenta: pick(code(35, 39)),
    cyan: pick(code(36, 39)),
  };
}

/** Removes ANSI colour codes: to measure what a line looks like on screen. */
export function stripColour(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC is what an ANSI code starts with
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
