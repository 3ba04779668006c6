/**
 * The set-up the suites share: a server and a `wx` made to reach it, for the field-condition suites (§8) with its phone
 * taken before any connection (so that the phone's link carries them all, §8.3), and sockets opened and closed on it.
 */
import { phoneOf, type Phone } from '../../src/phone.js';
import type { WxOptions } from '../../src/options.js';
import type { SocketTask, Wx } from '../../src/types.js';
import type { ConformanceEnv, ConformanceServer, ServerOptions } from './env.js';
import { Log, recordTask } from './recorder.js';

export interface PhoneSession {
  readonly server: ConformanceServer;
  readonly wx: Wx;
  readonly phone: Phone;
}

/**
 * Runs `body` with a server started with `server` options and a `wx` made with its `wxOptions` and `wx` over them;
 * the server is closed afterwards, whatever `body` did.
 */
export async function withWx(
  env: ConformanceEnv,
  options: { readonly server?: ServerOptions; readonly wx?: WxOptions },
  body: (session: { readonly server: ConformanceServer; readonly wx: Wx }) => Promise<void>,
): Promise<void> {
  const server = await env.startServer(options.server);
  try {
    await body({ server, wx: env.createWx({ ...server.wxOptions, ...options.wx }) });
  } finally {
    await server.close();
  }
}

/** As `withWx`, with the phone of the `wx` taken before `body` runs. */
export async function withPhone(
  env: ConformanceEnv,
  options: { readonly server?: ServerOptions; readonly wx?: WxOptions },
  body: (session: PhoneSession) => Promise<void>,
): Promise<void> {
  await withWx(env, options, ({ server, wx }) => body({ server, wx, phone: phoneOf(wx) }));
}

/** Connects to `url` and resolves once the task is open, with the log its events go to (`log`, or a new one). */
export async function openTask(wx: Wx, url: string, log = new Log()): Promise<{ task: SocketTask; log: Log }> {
  const task = wx.connectSocket({ url });
  recordTask(task, log);
  await log.waitFor('open');
  return { task, log };
}

/** A new socket opens on `url` and closes: the connection slot and the network are usable. */
export async function openAndClose(wx: Wx, url: string): Promise<void> {
  const { task, log } = await openTask(wx, url);
  void task.close({});
  await log.waitFor('close');
}
