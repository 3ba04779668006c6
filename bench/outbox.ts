/**
 * How the reliable socket's outbox scales: the cost per message of queueing n messages, flushing them to a task and
 * having each confirmed, and of a full outbox evicting its oldest message n times (`'drop-oldest'`), for n from
 * 50,000 to 200,000. A constant cost per message means linear work; with the array and `indexOf` + `splice` it
 * replaced, the cost per message grew with n.
 *
 * Usage: `node --expose-gc --import tsx bench/outbox.ts` (under a minute). The figure that matters is the growth
 * column: the cost per message at n over the cost at 50,000, measured in the same run. Costs are CPU time
 * (`process.cpuUsage`), so other processes on a busy machine weigh less on them than on wall-clock time; each round
 * handles 200,000 messages whatever n (four outboxes of 50,000, or one of 200,000).
 */
import { Outbox } from '../src/reliable/outbox.js';
import type { SocketTaskLike, WxCallResult } from '../src/reliable/wx-like.js';
import { cpuNanoseconds, formatNumber, summarize } from './stats.js';

/**
 * From some tens of thousands of messages on, entries outlive the garbage collector's first pass and cost a fixed
 * amount more each (moved to the old generation): the sizes all lie beyond that step, so the growth is the outbox's.
 */
const SIZES = [50_000, 100_000, 200_000];
const MESSAGES_PER_ROUND = 200_000;
const ROUNDS = 5;

/** Collects garbage before a measurement when run with `--expose-gc`: a round then pays only for its own. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** A task that takes every send and confirms them when told, in order. */
function collectingTask(): { task: SocketTaskLike; confirmAll: () => void } {
  const confirmations: Array<((result: WxCallResult) => void) | undefined> = [];
  const task: SocketTaskLike = {
    send: (option) => confirmations.push(option.success),
    close: () => undefined,
    onOpen: () => undefined,
    onMessage: () => undefined,
    onError: () => undefined,
    onClose: () => undefined,
  };
  const confirmAll = (): void => {
    for (const confirm of confirmations) confirm?.({ errMsg: 'sendSocketMessage:ok' });
  };
  return { task, confirmAll };
}

/** Nanoseconds per message: queue n, flush, confirm each. */
function flushRound(n: number): number {
  let elapsed = 0;
  for (let repeat = 0; repeat < MESSAGES_PER_ROUND / n; repeat++) {
    const outbox = new Outbox(() => undefined, true);
    const { task, confirmAll } = collectingTask();
    collect();
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) outbox.admit('message', Infinity, 'drop-oldest');
    outbox.flush(task);
    confirmAll();
    elapsed += cpuNanoseconds(start);
    if (outbox.size !== 0) throw new Error(`${outbox.size} messages left after the flush`);
  }
  return elapsed / MESSAGES_PER_ROUND;
}

/** Nanoseconds per message: a full outbox of n takes n more, evicting the oldest each time. */
function evictRound(n: number): number {
  let elapsed = 0;
  for (let repeat = 0; repeat < MESSAGES_PER_ROUND / n; repeat++) {
    let dropped = 0;
    const outbox = new Outbox(() => dropped++, true);
    for (let i = 0; i < n; i++) outbox.admit('message', n, 'drop-oldest');
    collect();
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) outbox.admit('message', n, 'drop-oldest');
    elapsed += cpuNanoseconds(start);
    if (dropped !== n || outbox.size !== n) throw new Error(`dropped ${dropped}, kept ${outbox.size}`);
  }
  return elapsed / MESSAGES_PER_ROUND;
}

function measure(round: (n: number) => number): Array<{ n: number; median: number }> {
  round(SIZES[0]!); // warm-up
  return SIZES.map((n) => ({ n, median: summarize(Array.from({ length: ROUNDS }, () => round(n))).median }));
}

console.log('| operation | n | CPU ns per message (median of 5) | growth over n = 50,000 |');
console.log('| --- | --- | --- | --- |');
for (const [name, round] of [
  ['queue, flush, confirm', flushRound],
  ['evict the oldest', evictRound],
] as const) {
  const results = measure(round);
  for (const { n, median } of results) {
    const growth = median / results[0]!.median;
    console.log(`| ${name} | ${formatNumber(n)} | ${formatNumber(median)} | ×${formatNumber(growth)} |`);
  }
}
