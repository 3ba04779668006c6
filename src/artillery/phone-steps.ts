/**
 * The field-condition steps, on the virtual user's emulated phone (`phoneOf(wx)`, contract §8): `background` (the
 * user leaves the app and comes back; WeChat suspends it after its delay, closing its sockets) and `network` (a
 * switch of network type, a time offline, a weak link).
 */
import { WxPhoneError } from '../errors.js';
import { NETWORK_TYPES } from '../network-status.js';
import { BYTES_PER_SECOND, MILLISECONDS } from '../option-keys.js';
import type { WeakLinkConditions } from '../phone.js';
import type { NetworkType } from '../types.js';
import { EngineConfigError, StepError } from './errors.js';
import { Metric } from './metrics.js';
import { isRecord } from './record.js';
import { durationOf, optionsOf, type Step } from './spec.js';
import { sleep } from './timers.js';

/** Runs a phone call; the phone's own refusal (a value only a template could bring) is the step's `invalid_step`. */
function onPhone(call: () => void): void {
  try {
    call();
  } catch (error) {
    if (error instanceof WxPhoneError) throw new StepError('invalid_step', error.message);
    throw error;
  }
}

/**
 * `background: 30` or `{duration, suspendDelay, suspend}`: `onAppHide`, `duration` in the background, `onAppShow`.
 * WeChat suspends a hidden app after `suspendDelay` (default 5 s), which closes its sockets (`onClose` 1000
 * `interrupted`, delivered on return); `suspend: true` suspends at once.
 */
export function backgroundStep(value: unknown, path: string): Step {
  const options = isRecord(value)
    ? optionsOf(value, path, ['duration', 'suspendDelay', 'suspend'])
    : { duration: value };
  if (options['duration'] === undefined) throw new EngineConfigError(`${path}.duration`, 'is missing');
  const duration = durationOf(options['duration'], `${path}.duration`, () => 0);
  const suspendDelay =
    options['suspendDelay'] === undefined
      ? undefined
      : durationOf(options['suspendDelay'], `${path}.suspendDelay`, () => 0);
  const suspendNow = options['suspend'] ?? false;
  if (typeof suspendNow !== 'boolean') throw new EngineConfigError(`${path}.suspend`, 'must be true or false');
  return async (vu) => {
    const phone = vu.phone();
    const ms = duration(vu);
    onPhone(() => (suspendNow ? phone.suspend() : phone.hide(suspendDelay ? { suspendDelay: suspendDelay(vu) } : {})));
    vu.metrics.counter(Metric.backgrounds);
    await sleep(ms);
    if (phone.state.app === 'suspended') vu.metrics.counter(Metric.suspensions);
    phone.show();
  };
}

/**
 * `network: {type}` switches network (leaving one kills every connection, §8.3); `{offline: 5}` is offline for 5 s,
 * then back on the type before; `{weak: {latency, bandwidth, jitter}}` weakens the link (ms, bytes/s, ms; numbers or
 * `{up, down}`) until `{weak: false}`. Several may be given: type, then weak, then offline.
 */
export function networkStep(value: unknown, path: string): Step {
  const options = optionsOf(value, path, ['type', 'offline', 'weak']);
  if (Object.keys(options).length === 0) throw new EngineConfigError(path, 'needs type, offline or weak');
  const type = options['type'];
  if (type !== undefined && !(NETWORK_TYPES as readonly unknown[]).includes(type))
    throw new EngineConfigError(`${path}.type`, `must be one of ${NETWORK_TYPES.join(', ')}`);
  const offline =
    options['offline'] === undefined ? undefined : durationOf(options['offline'], `${path}.offline`, () => 0);
  const weak = options['weak'];
  if (weak !== undefined && weak !== false) {
    const conditions = optionsOf(weak, `${path}.weak`, ['latency', 'bandwidth', 'jitter']);
    for (const [key, field] of Object.entries(conditions)) {
      // The phone's own rules (src/phone.ts): bandwidth in bytes/s above 0, latency and jitter in ms.
      const [ok, allowed] = key === 'bandwidth' ? BYTES_PER_SECOND : MILLISECONDS;
      const perDirection =
        isRecord(field) &&
        Object.keys(field).every((k) => k === 'up' || k === 'down') &&
        Object.values(field).every(ok);
      if (!ok(field) && !perDirection) {
        throw new EngineConfigError(`${path}.weak.${key}`, `must be ${allowed}, or {up, down} numbers`);
      }
    }
  }
  return async (vu) => {
    const phone = vu.phone();
    if (type !== undefined) onPhone(() => phone.setNetworkType(type as NetworkType));
    if (weak === false) phone.strengthen();
    else if (weak !== undefined) onPhone(() => phone.weaken(weak as WeakLinkConditions));
    if (offline !== undefined) {
      const ms = offline(vu);
      phone.offline();
      vu.metrics.counter(Metric.offline);
      await sleep(ms);
      phone.online();
    }
  };
}
