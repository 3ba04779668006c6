/**
 * The part of `wxsocket doctor` that goes through WeChat's API, as a mini program would: `wx.connectSocket` on the
 * chosen profile, a message round trip, a clean close. What WeChat delivers decides the checks `handshake`,
 * `round-trip` and `close`; its own texts (`open fail: _code:2,…` on android, `exception onOpen fail code:2, …` on
 * ios) are quoted in the details.
 */
import type { Report } from './doctor-report.js';
import { formatDuration, formatValue } from './format.js';
import { openSocket, type CliSocket } from './socket.js';
import { createStyle } from './style.js';
import { Timeline } from './timeline.js';
import type { WxSetup } from './wx-setup.js';

/** [ours] A handshake slower than this is a warning: phones on mobile networks are slower still. */
const SLOW_HANDSHAKE_MS = 3_000;
/** [ours] How long to wait for an answer to the round-trip message (servers need not answer it). */
const REPLY_WAIT_MS = 3_000;

/** What the wx run needs. */
interface WxCheckOptions {
  readonly setup: WxSetup;
  readonly url: string;
  readonly header: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
  readonly message: string;
}

const WHY = [
  [/code:1\b/, 'the host name did not resolve (see the DNS check above)'],
  [/code:8\b/, 'the TLS handshake failed (see the certificate and TLS checks above)'],
  [/code:2\b/, 'a transport failure (DNS, TCP or TLS: see the checks above)'],
  [/code:20\b/, 'the answer was not a valid 101 (see the upgrade and subprotocol checks above)'],
  [/code:9\b/, 'the handshake timed out'],
] as const;

/** Connects, exchanges one message and closes through the wx API, recording three checks. */
export function checkWithWx(report: Report, options: WxCheckOptions): Promise<void> {
  const { setup } = options;
  // The API's events are not printed here; the checks quote what matters.
  const timeline = new Timeline({ write: () => undefined, json: true, style: createStyle({ env: {} }), width: 100 });
  return new Promise((resolve) => {
    const started = performance.now();
    let socket: CliSocket | undefined;
    let openedAt: number | undefined;
    let sentAt: number | undefined;
    let closeAt: number | undefined;
    let errMsg: string | undefined;
    let roundTripDone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve();
    };
    const closeNow = (): void => {
      closeAt = performance.now();
      clearTimeout(timer);
      socket?.close({ code: 1000, reason: 'wxsocket doctor' });
      timer = setTimeout(() => {
        report.add(
          'close',
          'fail',
          `no close handshake within ${options.setup.timeout} ms after task.close: the server does not answer close frames`,
          {
            remedy:
              'answer a close frame with a close frame (RFC 6455 §5.5.1); WebSocket server libraries do this for you',
            code: 'NO_CLOSE_REPLY',
          },
        );
        finish();
      }, setup.timeout);
    };
    socket = openSocket(
      setup.wx,
      timeline,
      {
        url: options.url,
        ...(Object.keys(options.header).length > 0 && { header: { ...options.header } }),
        ...(options.protocols.length > 0 && { protocols: [...options.protocols] }),
      },
      {
        onConnectFailed: ({ errMsg: refused }) => {
          report.add('handshake', 'fail', `wx.connectSocket refused the call: ${refused}`, {
            remedy: 'check the URL, --header and --protocol',
            code: 'CONNECT_SOCKET_FAIL',
          });
          report.skip(['round-trip', 'close'], 'the connection never opened');
          finish();
        },
        onOpen: (result) => {
          openedAt = performance.now();
          const ms = result.profile?.['cost'] ?? openedAt - started;
          const parts =
            result.profile === undefined
              ? ''
              : ` (connect ${formatDuration(result.profile['rtt'] ?? 0)}, upgrade ${formatDuration(result.profile['handshakeCost'] ?? 0)})`;
          if (ms > SLOW_HANDSHAKE_MS) {
            report.add('handshake', 'warn', `opened, slowly: ${formatDuration(ms)}${parts}`, {
              remedy:
                'phones on mobile networks are slower still; apps often set networkTimeout.connectSocket well under 60 s',
            });
          } else {
            report.add('handshake', 'pass', `onOpen after ${formatDuration(ms)}${parts}`);
          }
          sentAt = performance.now();
          socket?.send(options.message);
          timer = setTimeout(
            () => {
              roundTripDone = true;
              report.add(
                'round-trip',
                'warn',
                `no message within ${formatDuration(REPLY_WAIT_MS)} of sending ${JSON.stringify(options.message)}`,
                {
                  remedy: 'fine if the server does not answer that message; pass --message with one it answers',
                },
              );
              closeNow();
            },
            Math.min(REPLY_WAIT_MS, setup.timeout),
          );
        },
        onMessage: ({ data }) => {
          if (roundTripDone || sentAt === undefined) return;
          roundTripDone = true;
          const shown = formatValue(data, { style: createStyle({ env: {} }), width: 60 });
          report.add(
            'round-trip',
            'pass',
            `answered in ${formatDuration(performance.now() - sentAt)}: ${shown.length > 60 ? `${shown.slice(0, 59)}…` : shown}`,
          );
          closeNow();
        },
        onError: (result) => {
          errMsg = result.errMsg;
        },
        onClose: ({ code, reason }) => {
          if (openedAt === undefined) {
            const why = WHY.find(([pattern]) => pattern.test(errMsg ?? ''))?.[1];
            report.add(
              'handshake',
              'fail',
              `WeChat reports onError "${errMsg ?? '(none)'}"${why === undefined ? '' : `: ${why}`}`,
              {
                remedy: 'fix the failed checks above; this is what the mini program would see',
                code: 'OPEN_FAILED',
              },
            );
            report.skip(['round-trip', 'close'], 'the connection never opened');
            return finish();
          }
          if (!roundTripDone) {
            roundTripDone = true;
            report.add(
              'round-trip',
              errMsg === undefined ? 'warn' : 'fail',
              `the connection ended before an answer${errMsg === undefined ? '' : `: ${errMsg}`}`,
            );
          }
          if (closeAt !== undefined && errMsg === undefined) {
            report.add(
              'close',
              'pass',
              `onClose {code: ${code}} ${formatDuration(performance.now() - closeAt)} after task.close`,
            );
          } else if (errMsg !== undefined || code === 1006) {
            report.add(
              'close',
              'fail',
              `the connection dropped: onError "${errMsg ?? ''}", onClose ${code} "${reason}"`,
              {
                remedy: 'close connections with a close frame, and check the server logs for the error',
                code: 'ABNORMAL_CLOSURE',
              },
            );
          } else {
            report.add(
              'close',
              'warn',
              `the server closed the connection itself: onClose ${code} ${JSON.stringify(reason)}`,
              {
                remedy: `if unexpected, find why the server closes with ${code} (authentication, the message sent, an idle timeout)`,
              },
            );
          }
          finish();
        },
      },
    );
  });
}
