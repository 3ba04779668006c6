/**
 * `wxsocket connect <url>`: a client with WeChat's semantics. It makes one `wx.connectSocket` call and shows what
 * WeChat delivers; each input line becomes a `send` or `close` on the task (the global API below base library
 * 1.7.0, which has no task). Interactive by default (a REPL on stdin); `--send`/`--wait` make it scripted.
 */
import { createInterface, type Interface } from 'node:readline';
import { urlRefusal } from '../domain-policy.js';
import { NEWEST_SDK_VERSION, type Phone } from '../node.js';
import { ExitCode, UsageError, parseCommandLine, parseHeaders, parseWhole } from './args.js';
import { parseHex } from './format.js';
import { CONNECT_COMMANDS, HELP } from './help.js';
import { stylesOf, widthOf, type Io } from './io.js';
import { runPhoneCommand, watchPhone } from './phone-commands.js';
import { openSocket, type CliSocket } from './socket.js';
import { Timeline } from './timeline.js';
import { WX_FLAGS, createWxFromFlags, type WxSetup } from './wx-setup.js';

const OPTIONS = {
  ...WX_FLAGS,
  header: { type: 'string', multiple: true },
  protocol: { type: 'string', multiple: true },
  deflate: { type: 'boolean' },
  json: { type: 'boolean' },
  send: { type: 'string', multiple: true },
  wait: { type: 'string' },
} as const;

/** Runs `wxsocket connect`. Resolves with the exit code once the connection has ended. */
export async function runConnect(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine('connect', argv, OPTIONS, 1);
  if (values.help === true) {
    io.stdout.write(HELP.connect);
    return ExitCode.ok;
  }
  const url = positionals[0];
  if (url === undefined)
    throw new UsageError('missing the URL to connect to, e.g. wxsocket connect wss://chat.example.com/ws', 'connect');
  const header = parseHeaders('--header', values.header, 'connect');
  const wait = parseWhole('--wait', values.wait, 0, 1_000_000, 'connect');
  const scripted = values.send !== undefined || wait !== undefined;
  const scriptErrors: string[] = [];
  const setup = createWxFromFlags(values, 'connect', {
    reportError: (error, where) => void scriptErrors.push(`${where}: ${String(error)}`),
  });
  const session = new ConnectSession(
    io,
    setup,
    values.json === true,
    scripted ? { lines: values.send ?? [], wait: wait ?? 0 } : undefined,
  );
  const code = await session.run({
    url,
    ...(Object.keys(header).length > 0 && { header }),
    ...(values.protocol !== undefined && { protocols: values.protocol }),
    ...(values.deflate === true && { perMessageDeflate: true }),
  });
  if (scriptErrors.length > 0)
    io.stderr.write(`wxsocket connect: internal error in a listener: ${scriptErrors.join('; ')}\n`);
  return code;
}

/** What `connect` passes to `wx.connectSocket` besides its callbacks. */
interface ConnectRequest {
  readonly url: string;
  readonly header?: Record<string, string>;
  readonly protocols?: string[];
  readonly perMessageDeflate?: boolean;
}

/** The scripted mode: lines to handle after open, then messages to wait for. */
interface Script {
  readonly lines: readonly string[];
  readonly wait: number;
}

/** One connection and its input, from `wx.connectSocket` to the terminal event. */
class ConnectSession {
  readonly #io: Io;
  readonly #setup: WxSetup;
  readonly #script: Script | undefined;
  readonly #timeline: Timeline;
  readonly #errStyle;
  #socket: CliSocket | undefined;
  #phone: Phone | undefined;
  /** A phone command (a suspension, a network change) is ending the connection: wait for its onClose. */
  #phoneEnding = false;
  #readline: Interface | undefined;
  #finish: (code: number) => void = () => undefined;
  #finished = false;
  #opened = false;
  #errored = false;
  #closed: { code: number } | undefined;
  #closeRequested = false;
  #received = 0;
  #waitUnmet = false;
  #waitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(io: Io, setup: WxSetup, json: boolean, script: Script | undefined) {
    this.#io = io;
    this.#setup = setup;
    this.#script = script;
    const styles = stylesOf(io);
    this.#errStyle = styles.err;
    this.#timeline = new Timeline({
      write: (text) => this.#write(text),
      json,
      style: styles.out,
      width: widthOf(io.stdout),
    });
  }

  run(request: ConnectRequest): Promise<number> {
    return new Promise((resolve) => {
      this.#finish = (code) => {
        if (this.#finished) return;
        this.#finished = true;
        clearTimeout(this.#waitTimer);
        // The prompt redrawn after the last event goes: the session is over.
        if (this.#readline?.terminal === true) this.#io.stdout.write('\r\u001b[2K');
        this.#readline?.close();
        this.#io.stdin.pause();
        resolve(code);
      };
      const { platform, SDKVersion, domains } = this.#setup;
      const check =
        domains === undefined ? 'domain check off (--domain turns it on)' : `domain check on: ${domains.join(', ')}`;
      const phone = platform === 'ios' ? 'iOS' : 'Android';
      this.#timeline.note(`WeChat on ${phone}, base library ${SDKVersion ?? NEWEST_SDK_VERSION}, ${check}`);
      // Before the connection, so that a later /weak shapes it (§8.3).
      this.#phone = watchPhone(this.#setup.wx, this.#timeline);
      const socket = openSocket(this.#setup.wx, this.#timeline, request, {
        onConnectFailed: () => {
          this.#complain(
            'wx.connectSocket refused the arguments (see its fail above): check the URL (ws:// or wss://), --header and --protocol',
          );
          this.#finish(ExitCode.usage);
        },
        onOpen: () => this.#onOpen(),
        onMessage: () => this.#onMessage(),
        onError: () => this.#onError(request.url),
        onClose: ({ code }) => this.#onClose(code),
      });
      this.#socket = socket;
    });
  }

  #onOpen(): void {
    this.#opened = true;
    if (this.#script === undefined) return this.#startRepl();
    for (const line of this.#script.lines) this.#handleLine(line);
    if (this.#received >= this.#script.wait && !this.#phoneEnding) return this.#quit();
    this.#waitTimer = setTimeout(() => {
      this.#waitUnmet = true;
      this.#complain(
        `timed out after ${this.#setup.timeout} ms: ${this.#received} of ${this.#script?.wait} messages arrived (--wait)`,
      );
      this.#quit();
    }, this.#setup.timeout);
  }

  #onMessage(): void {
    this.#received += 1;
    const script = this.#script;
    if (
      script !== undefined &&
      this.#opened &&
      this.#received >= script.wait &&
      this.#waitTimer !== undefined &&
      !this.#phoneEnding
    ) {
      clearTimeout(this.#waitTimer);
      this.#quit();
    }
  }

  #onError(url: string): void {
    this.#errored = true;
    const policy = this.#setup.domainPolicy;
    const refusal = policy === undefined ? undefined : urlRefusal(url, policy);
    if (!this.#opened && refusal !== undefined) this.#timeline.note(`the domain check refused the URL: ${refusal}`);
    else if (!this.#opened) this.#timeline.note(`the connection failed: run wxsocket doctor ${url} to find out why`);
    // A refused URL gets no onClose (contract §5); otherwise onClose follows in the same turn (§2).
    setImmediate(() => {
      if (this.#closed === undefined) this.#end();
    });
  }

  #onClose(code: number): void {
    this.#closed = { code };
    this.#end();
  }

  #end(): void {
    const script = this.#script;
    if (script !== undefined && this.#opened && this.#received < script.wait && !this.#waitUnmet) {
      this.#complain(`the connection ended after ${this.#received} of ${script.wait} messages (--wait)`);
      this.#waitUnmet = true;
    }
    const failed = !this.#opened || this.#errored || this.#closed?.code === 1006 || this.#waitUnmet;
    this.#finish(failed ? ExitCode.failed : ExitCode.ok);
  }

  #startRepl(): void {
    const { stdin, stdout } = this.#io;
    const terminal = stdin.isTTY === true && stdout.isTTY === true;
    const readline = createInterface({ input: stdin, ...(terminal && { output: stdout }), terminal, prompt: '> ' });
    this.#readline = readline;
    if (terminal)
      this.#io.stderr.write(this.#errStyle.dim('type a line to send it, /help for commands, Ctrl-D to quit\n'));
    readline.on('line', (line) => {
      this.#handleLine(line);
      if (terminal && !this.#finished) readline.prompt();
    });
    // End of input: leave as /quit does.
    readline.on('close', () => {
      if (!this.#finished) this.#quit();
    });
    if (terminal) readline.prompt();
  }

  /** One line of input, typed or from `--send`. */
  #handleLine(line: string): void {
    const socket = this.#socket;
    if (socket === undefined || line.trim() === '') return;
    if (line.startsWith('//') || !line.startsWith('/'))
      return socket.send(line.startsWith('//') ? line.slice(1) : line);
    const [command = '', ...args] = line.trim().split(/\s+/);
    switch (command) {
      case '/binary': {
        const data = parseHex(args.join(''));
        if (data === undefined || args.length === 0)
          return this.#complain('/binary wants hex bytes, e.g. /binary de ad be ef');
        return socket.send(data);
      }
      case '/close': {
        const [code, ...reason] = args;
        if (code !== undefined && !/^-?[0-9]+$/.test(code))
          return this.#complain('/close wants a numeric code first, e.g. /close 4000 done');
        this.#closeRequested = true;
        const options = code === undefined ? {} : { code: Number(code), reason: reason.join(' ') };
        // Refused (a bad code, a long reason): still open, so /quit must be able to close it.
        return socket.close(options, () => (this.#closeRequested = false));
      }
      case '/quit':
        return this.#quit();
      case '/help':
        this.#io.stderr.write(CONNECT_COMMANDS);
        return;
      default: {
        const phone = this.#phone && runPhoneCommand(this.#phone, this.#timeline, command, args);
        if (phone === undefined || !phone.handled)
          return this.#complain(
            `unknown command ${command}: /help lists the commands; //text sends text starting with "/"`,
          );
        if (phone.complaint !== undefined) return this.#complain(phone.complaint);
        if (phone.endsConnection === true) this.#phoneEnding = true;
        return;
      }
    }
  }

  /** Closes with 1000 (once), then the session ends on `onClose`. */
  #quit(): void {
    if (this.#closed !== undefined || this.#finished) return this.#end();
    if (this.#closeRequested) return;
    this.#closeRequested = true;
    this.#socket?.close({ code: 1000 }, () => this.#end());
  }

  /** A problem with the input itself (not a WeChat event): on stderr. */
  #complain(text: string): void {
    this.#io.stderr.write(`${this.#errStyle.yellow(text)}\n`);
  }

  /** Writes a timeline line, keeping an interactive prompt below it. */
  #write(text: string): void {
    const readline = this.#readline;
    if (readline === undefined || readline.terminal !== true || this.#finished) {
      this.#io.stdout.write(text);
      return;
    }
    this.#io.stdout.write('\r\u001b[2K');
    this.#io.stdout.write(text);
    readline.prompt(true);
  }
}
