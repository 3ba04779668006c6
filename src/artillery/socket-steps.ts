/**
 * The socket steps: `connect`, `send`, `expect`, `idle`, `close`, `reconnect`. Each reads its options once, when
 * the engine is created, and fills its templates for each virtual user when it runs.
 */
import type { TimerHandle } from '../host-timers.js';
import { ReliableSocketOptionsError, type ReliableSocketOptions } from '../reliable/options.js';
import { resolveSettings } from '../reliable/options.js';
import { EngineConfigError, StepError } from './errors.js';
import { checkMessage, isJsonPath, type Capture, type MessageCheck } from './match.js';
import { Metric, namedLatencyMetric } from './metrics.js';
import type { ReliableVuSocket, ReliableSettings } from './reliable-vu-socket.js';
import { isRecord } from './record.js';
import {
  durationOf,
  fillerOf,
  integerOf,
  isTemplate,
  messageOf,
  optionsOf,
  socketName,
  stringOf,
  waitingStep,
  type Step,
} from './spec.js';
import { clearTimer, setTimer } from './timers.js';
import type { VirtualUser } from './vu.js';
import type { VuSocket } from './vu-socket.js';

/** What a step needs from the script besides its own options. */
export interface ScriptDefaults {
  /** `config.target`: the URL of a `connect` that gives none. */
  readonly target: string | undefined;
}

const timeoutOf = (vu: VirtualUser): number => vu.settings.timeout;

export function connectStep(value: unknown, path: string, defaults: ScriptDefaults): Step {
  const options =
    typeof value === 'string'
      ? { url: value }
      : optionsOf(value, path, ['url', 'name', 'header', 'protocols', 'timeout', 'perMessageDeflate', 'reliable']);
  const url = stringOf(options['url'], `${path}.url`) ?? defaults.target;
  if (url === undefined) throw new EngineConfigError(`${path}.url`, 'is missing, and config.target is not set');
  const name = socketName(options['name'], `${path}.name`);
  const { header, protocols, perMessageDeflate } = options;
  if (header !== undefined && !isRecord(header))
    throw new EngineConfigError(`${path}.header`, 'must be an object of header names and values');
  if (protocols !== undefined && !(Array.isArray(protocols) && protocols.every((p) => typeof p === 'string')))
    throw new EngineConfigError(`${path}.protocols`, 'must be a list of subprotocols');
  if (perMessageDeflate !== undefined && typeof perMessageDeflate !== 'boolean')
    throw new EngineConfigError(`${path}.perMessageDeflate`, 'must be true or false');
  const timeout = durationOf(options['timeout'], `${path}.timeout`, timeoutOf);
  const reliable = reliableOf(options['reliable'], `${path}.reliable`);
  return (vu) =>
    vu.connect(
      name,
      {
        url: String(vu.template(url)),
        ...(header !== undefined && { header: stringRecord(vu.template(header)) }),
        ...(protocols !== undefined && { protocols: (vu.template(protocols) as unknown[]).map(String) }),
        ...(perMessageDeflate !== undefined && { perMessageDeflate }),
        timeout: timeout(vu),
      },
      reliable,
    );
}

/** `reliable: true`, or `wxsocket/reliable` options (`reconnect`, `heartbeat`, `queue`), checked by the helper. */
function reliableOf(value: unknown, path: string): ReliableSettings | undefined {
  if (value === undefined || value === false) return undefined;
  const options =
    value === true ? {} : (optionsOf(value, path, ['reconnect', 'heartbeat', 'queue']) as ReliableSettings);
  try {
    resolveSettings({ ...(options as ReliableSocketOptions), url: 'ws://check' });
  } catch (error) {
    if (error instanceof ReliableSocketOptionsError)
      throw new EngineConfigError(`${path}.${error.option}`, error.message.replace(/^[^:]*: \S+ /, ''));
    throw error;
  }
  return options;
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, field]) => [key, String(field)]),
  );
}

/**
 * `send: text`, `send: {json object}`, or `send: {data, socket}` (`data` a string, or an object sent as JSON).
 */
export function sendStep(value: unknown, path: string): Step {
  const options =
    isRecord(value) && Object.hasOwn(value, 'data') ? optionsOf(value, path, ['data', 'socket']) : { data: value };
  const { data } = options;
  if (typeof data !== 'string' && !isRecord(data) && !Array.isArray(data))
    throw new EngineConfigError(path, 'must be a message: text, or an object sent as JSON');
  const name = socketName(options['socket'], `${path}.socket`);
  const message = messageOf(data);
  return (vu) => vu.socket(name).send(message(vu));
}

/**
 * `expect`: the next message of the socket (unread ones first) must match; `skip: true` passes over messages that
 * do not, until one does or the time is up. Captures go to the virtual user's variables.
 */
export function expectStep(value: unknown, path: string): Step {
  const options =
    typeof value === 'string'
      ? { text: value }
      : optionsOf(value, path, ['socket', 'name', 'timeout', 'json', 'text', 'contains', 'regexp', 'capture', 'skip']);
  const name = socketName(options['socket'], `${path}.socket`);
  const metricName = options['name'] === undefined ? undefined : socketName(options['name'], `${path}.name`);
  const timeout = durationOf(options['timeout'], `${path}.timeout`, timeoutOf);
  const skip = options['skip'] ?? false;
  if (typeof skip !== 'boolean') throw new EngineConfigError(`${path}.skip`, 'must be true or false');
  const check = fillerOf(checkOf(options, path)) as (vu: VirtualUser) => MessageCheck;
  return async (vu) => {
    const socket = vu.socket(name);
    const filled = check(vu);
    const startedAt = performance.now();
    const deadline = startedAt + timeout(vu);
    for (;;) {
      const message = await socket.inbox.take(Math.max(0, deadline - performance.now()));
      if (message === 'timeout') throw new StepError('expect_timeout', `no matching message on "${name}" in time`);
      if (message === 'closed')
        throw new StepError('socket_closed', `socket "${name}" closed while expecting a message`);
      const result = checkMessage(message.data, filled);
      if (result.matched) {
        Object.assign(vu.context.vars, result.captured);
        // From the last send when it was made for this reply, else from when the step began waiting.
        const since =
          socket.lastSendAt !== undefined && socket.lastSendAt <= message.at
            ? socket.lastSendAt
            : Math.min(startedAt, message.at);
        const latency = message.at - since;
        vu.metrics.histogram(Metric.messageLatency, latency);
        if (metricName !== undefined) vu.metrics.histogram(namedLatencyMetric(metricName), latency);
        return;
      }
      if (result.capture) throw new StepError('capture_failed', result.why);
      if (!skip) throw new StepError('expect_mismatch', result.why);
      vu.metrics.counter(Metric.expectSkipped);
    }
  };
}

function checkOf(options: Record<string, unknown>, path: string): MessageCheck {
  // Regular expressions are compiled once when the check is used as written; one with templates is copied by the
  // templating for each user, which would not copy a RegExp: there they stay text, compiled when matched.
  const compile = !isTemplate(JSON.stringify(options));
  const check: { -readonly [K in keyof MessageCheck]: MessageCheck[K] } = {};
  for (const key of ['text', 'contains', 'regexp'] as const) {
    const text = stringOf(options[key], `${path}.${key}`);
    if (text !== undefined) check[key] = text;
  }
  const pattern = check.regexp;
  if (typeof pattern === 'string' && !isTemplate(pattern)) {
    const compiled = regexpOf(pattern, `${path}.regexp`);
    if (compile) check.regexp = compiled;
  }
  const { json, capture } = options;
  if (json !== undefined) {
    if (!isRecord(json))
      throw new EngineConfigError(`${path}.json`, "must map JSON paths to values, e.g. {'$.type': joined}");
    for (const jsonPath of Object.keys(json)) {
      if (!isJsonPath(jsonPath))
        throw new EngineConfigError(`${path}.json`, `has ${JSON.stringify(jsonPath)}, not a path such as $.user.id`);
    }
    check.json = json;
  }
  if (capture !== undefined) {
    const list = Array.isArray(capture) ? capture : [capture];
    check.capture = list.map((entry: unknown, index): Capture => {
      const at = `${path}.capture[${index}]`;
      const spec = optionsOf(entry, at, ['json', 'regexp', 'as']);
      const as = stringOf(spec['as'], `${at}.as`);
      if (as === undefined || as === '')
        throw new EngineConfigError(`${at}.as`, 'must name the variable to capture into');
      const jsonPath = stringOf(spec['json'], `${at}.json`);
      const regexp = stringOf(spec['regexp'], `${at}.regexp`);
      if ((jsonPath === undefined) === (regexp === undefined))
        throw new EngineConfigError(at, 'needs one of json or regexp');
      if (jsonPath !== undefined && !isJsonPath(jsonPath))
        throw new EngineConfigError(`${at}.json`, 'must be a path such as $.user.id');
      const compiled = regexp === undefined || isTemplate(regexp) ? regexp : regexpOf(regexp, `${at}.regexp`);
      const kept = compile ? compiled : regexp;
      return {
        as,
        ...(jsonPath !== undefined && { json: jsonPath }),
        ...(kept !== undefined && { regexp: kept }),
      };
    });
  }
  return check;
}

/** The regular expression, compiled once; a template is compiled when filled in. */
function regexpOf(source: string, path: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new EngineConfigError(path, `is not a regular expression: ${(error as Error).message}`);
  }
}

/**
 * `idle: duration` or `{duration, socket, heartbeat: {interval, data}}`: holds the sockets (one, or all), counts
 * what arrives (`wx.idle_messages`) and reads it, optionally sending a heartbeat every `interval`.
 */
export function idleStep(value: unknown, path: string): Step {
  const options = isRecord(value) ? optionsOf(value, path, ['duration', 'socket', 'heartbeat']) : { duration: value };
  if (options['duration'] === undefined) throw new EngineConfigError(`${path}.duration`, 'is missing');
  const duration = durationOf(options['duration'], `${path}.duration`, timeoutOf);
  const name = options['socket'] === undefined ? undefined : socketName(options['socket'], `${path}.socket`);
  let heartbeat: { interval: (vu: VirtualUser) => number; data: unknown } | undefined;
  if (options['heartbeat'] !== undefined) {
    const spec = optionsOf(options['heartbeat'], `${path}.heartbeat`, ['interval', 'data']);
    if (spec['interval'] === undefined || spec['data'] === undefined)
      throw new EngineConfigError(`${path}.heartbeat`, 'needs interval and data');
    heartbeat = { interval: durationOf(spec['interval'], `${path}.heartbeat.interval`, timeoutOf), data: spec['data'] };
  }
  const beatMessage = messageOf(heartbeat?.data);
  return waitingStep((vu, done) => {
    const sockets = name === undefined ? vu.liveSockets() : [vu.socket(name)];
    const ms = duration(vu);
    const interval = heartbeat ? heartbeat.interval(vu) : 0;
    const read = (): void => vu.metrics.counter(Metric.idleMessages);
    for (const socket of sockets) {
      for (const _ of socket.inbox.drain()) read();
      socket.inbox.divert(read);
    }
    // Each beat sets the next (a timer the engine's waits share, timers.ts), as an interval would.
    let beat: TimerHandle;
    const tick = (): void => {
      beat = setTimer(tick, interval);
      const data = beatMessage(vu);
      // A socket lost meanwhile is not the idle step's failure: the next step on it reports it.
      for (const socket of sockets) if (socket.isOpen) socket.send(data).catch(() => undefined);
    };
    if (heartbeat && interval > 0) beat = setTimer(tick, interval);
    setTimer(() => {
      clearTimer(beat);
      for (const socket of sockets) socket.inbox.divert(undefined);
      done();
    }, ms);
  });
}

/** `close`, `close: name` or `{socket, code, reason, timeout}`: closes for good and waits for `onClose`. */
export function closeStep(value: unknown, path: string): Step {
  const options =
    typeof value === 'string' ? { socket: value } : optionsOf(value, path, ['socket', 'code', 'reason', 'timeout']);
  const name = socketName(options['socket'], `${path}.socket`);
  const code =
    options['code'] === undefined ? () => 1000 : integerOf(options['code'], `${path}.code`, () => true, 'a close code');
  const reason = stringOf(options['reason'], `${path}.reason`) ?? '';
  const timeout = durationOf(options['timeout'], `${path}.timeout`, timeoutOf);
  return (vu) => vu.socket(name).close(code(vu), String(vu.template(reason)), timeout(vu));
}

/**
 * `reconnect` or `{socket, wait, timeout}`: a reliable socket makes a new connection now (`wait: false`, the default),
 * or, with `wait: true`, the step only waits until the socket is open again (after a server restart, say).
 */
export function reconnectStep(value: unknown, path: string): Step {
  const options = typeof value === 'string' ? { socket: value } : optionsOf(value, path, ['socket', 'wait', 'timeout']);
  const name = socketName(options['socket'], `${path}.socket`);
  const wait = options['wait'] ?? false;
  if (typeof wait !== 'boolean') throw new EngineConfigError(`${path}.wait`, 'must be true or false');
  const timeout = durationOf(options['timeout'], `${path}.timeout`, timeoutOf);
  return (vu) => reliableSocket(vu.socket(name)).reconnect(!wait, timeout(vu));
}

function reliableSocket(socket: VuSocket): ReliableVuSocket {
  if (!socket.reliable)
    throw new StepError('invalid_step', `socket "${socket.name}" is not reliable: connect it with reliable: true`);
  return socket as ReliableVuSocket;
}
