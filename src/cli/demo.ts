/**
 * `wxsocket demo`: WeChat's socket API at work, on both profiles, against a local wss server started for the run
 * (a certificate from a CA generated now, a legal domain name mapped to 127.0.0.1). Prints the timeline of what
 * each flow called and what WeChat delivered back.
 */
import { createWx, NEWEST_SDK_VERSION, type Wx } from '../node.js';
import { createTestServer, echo, type TestServer } from '../testing/index.js';
import { ExitCode, parseCommandLine, parsePlatform } from './args.js';
import { FLOWS, type FlowContext } from './demo-flows.js';
import { PHONE_FLOWS } from './demo-phone-flows.js';
import { formatDuration } from './format.js';
import { HELP } from './help.js';
import { stylesOf, widthOf, type Io } from './io.js';
import { Timeline } from './timeline.js';

/** The demo server's name: a real-looking domain, so the domain check can be on (it refuses IPs and localhost). */
const DEMO_HOST = 'demo.wxsocket.test';
/** The longest one flow may take before the demo gives up (they take milliseconds on loopback). */
const FLOW_DEADLINE = 3_000;

const OPTIONS = {
  json: { type: 'boolean' },
  platform: { type: 'string' },
} as const;

/** Runs `wxsocket demo`. Resolves with the exit code. */
export async function runDemo(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseCommandLine('demo', argv, OPTIONS, 0);
  if (values.help === true) {
    io.stdout.write(HELP.demo);
    return ExitCode.ok;
  }
  const platforms = [parsePlatform(values.platform, 'demo') ?? 'android', 'ios'].slice(
    0,
    values.platform === undefined ? 2 : 1,
  ) as Array<'android' | 'ios'>;
  const styles = stylesOf(io);
  const timeline = new Timeline({
    write: (text) => void io.stdout.write(text),
    json: values.json === true,
    style: styles.out,
    width: widthOf(io.stdout),
  });
  const scriptErrors: string[] = [];
  const server = await createTestServer({
    secure: true,
    hostname: DEMO_HOST,
    handler: echo,
    headers: { 'X-Served-By': 'wxsocket demo' },
  });
  try {
    const url = server.url;
    const ipUrl = url.replace(DEMO_HOST, '127.0.0.1');
    timeline.section('wxsocket demo', "WeChat's socket API on a local wss server, as a mini program sees it");
    timeline.note(`server ${url}: ${DEMO_HOST} is mapped to 127.0.0.1; its certificate is from a CA made for this run`);
    timeline.note(`legal socket domains: ${DEMO_HOST} (the domain check is on); base library ${NEWEST_SDK_VERSION}`);
    timeline.note('→ a call the mini program makes, ← what WeChat delivers to it; times are since the start');
    let sections = 0;
    for (const platform of platforms) {
      let number = 0;
      const context: FlowContext = {
        timeline,
        url,
        ipUrl,
        makeWx: (): Wx =>
          createWx({
            ...server.wxOptions,
            platform,
            domains: [DEMO_HOST],
            reportError: (error, where) => void scriptErrors.push(`${where}: ${String(error)}`),
          }),
        connectionCount: () => server.connectionCount,
        section: (title, detail) => {
          number += 1;
          timeline.setContext({ profile: platform, flow: title });
          timeline.section(`${platform} · ${number}. ${title}`, detail);
          sections += 1;
        },
      };
      for (const flow of [...FLOWS, ...PHONE_FLOWS])
        await withDeadline(flow.run(context), FLOW_DEADLINE, () => `a flow on ${platform} did not finish`);
    }
    timeline.setContext({});
    if (scriptErrors.length > 0) {
      io.stderr.write(`wxsocket demo: a listener threw, which is a bug in the demo:\n  ${scriptErrors.join('\n  ')}\n`);
      return ExitCode.failed;
    }
    timeline.section(
      `done: ${sections / platforms.length} flows on ${platforms.join(' and ')} in ${formatDuration(timeline.elapsed)}`,
      'next: wxsocket serve, wxsocket connect <url>, wxsocket doctor <url>',
    );
    return ExitCode.ok;
  } catch (error) {
    io.stderr.write(
      `wxsocket demo: ${(error as Error).message}. Run it again; if it persists, report it with this output.\n`,
    );
    return ExitCode.failed;
  } finally {
    await closeQuietly(server);
  }
}

async function closeQuietly(server: TestServer): Promise<void> {
  try {
    await server.close();
  } catch {
    // Closing a test server only fails if it is already gone.
  }
}

/** Resolves as `promise` does, or rejects after `ms` with the message `describe()` gives. */
function withDeadline<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${describe()} within ${formatDuration(ms)}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
