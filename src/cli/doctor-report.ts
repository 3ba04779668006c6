/**
 * The report of `wxsocket doctor`: one result per check, each pass, warn, fail or skip, with what was found and,
 * when something is wrong, how to fix it. Printed as aligned lines for people or as one JSON object.
 */
import type { Style } from './style.js';

/** How a check came out. `skip`: it could not run (an earlier step failed) or does not apply. */
type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One check's result. */
export interface CheckResult {
  /** A stable identifier: `scheme`, `host`, `domain`, `dns`, `tcp`, `tls-version`, `certificate-trust`, … */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, in one sentence. */
  readonly detail: string;
  /** How to fix it (warn and fail). */
  readonly remedy?: string;
  /** The exact problem's code where there is one: `CERT_HAS_EXPIRED`, `HTTP_403`, `ECONNREFUSED`, … */
  readonly code?: string;
}

/** Every check, in the order doctor runs and prints them, with its title. */
export const CHECKS = {
  scheme: 'scheme',
  host: 'host',
  domain: 'domain list',
  dns: 'DNS',
  tcp: 'TCP connection',
  'tls-version': 'TLS version',
  'certificate-trust': 'certificate trusted',
  'certificate-chain': 'certificate chain',
  'certificate-host': 'certificate host name',
  'certificate-expiry': 'certificate expiry',
  upgrade: 'upgrade (101)',
  subprotocol: 'subprotocol echo',
  deflate: 'permessage-deflate',
  handshake: 'handshake (wx)',
  'round-trip': 'message round trip',
  close: 'clean close',
} as const;

/** A check's identifier. */
export type CheckId = keyof typeof CHECKS;

/** Collects results; a check not recorded by the end is reported as skipped, with the reason given. */
export class Report {
  readonly #results = new Map<CheckId, CheckResult>();
  readonly #onResult: ((result: CheckResult) => void) | undefined;

  /** `onResult` sees each result as it is recorded (to show progress). */
  constructor(onResult?: (result: CheckResult) => void) {
    this.#onResult = onResult;
  }

  add(
    id: CheckId,
    status: CheckStatus,
    detail: string,
    extra: { remedy?: string | undefined; code?: string | undefined } = {},
  ): void {
    const result: CheckResult = {
      id,
      status,
      detail,
      ...(extra.remedy !== undefined && { remedy: extra.remedy }),
      ...(extra.code !== undefined && { code: extra.code }),
    };
    this.#results.set(id, result);
    this.#onResult?.(result);
  }

  /** Marks every check not yet recorded among `ids` as skipped. */
  skip(ids: readonly CheckId[], reason: string): void {
    for (const id of ids) if (!this.#results.has(id)) this.add(id, 'skip', reason);
  }

  /** The results in check order; checks never recorded are left out. */
  get results(): CheckResult[] {
    return (Object.keys(CHECKS) as CheckId[]).flatMap((id) => {
      const result = this.#results.get(id);
      return result === undefined ? [] : [result];
    });
  }

  get failed(): boolean {
    return this.results.some((result) => result.status === 'fail');
  }

  /** Counts by status. */
  counts(): Record<CheckStatus, number> {
    const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
    for (const { status } of this.results) counts[status] += 1;
    return counts;
  }
}

const TITLE_WIDTH = 24;

/** The report for people: one line per check, remedies indented below, a verdict at the end. */
export function formatReport(report: Report, heading: string, style: Style): string {
  const lines = [style.bold(heading), ''];
  for (const result of report.results) lines.push(...formatResult(result, style));
  lines.push('', formatVerdict(report, style));
  return `${lines.join('\n')}\n`;
}

/** One check's lines: its status, title and detail, and its fix below when it did not pass. */
export function formatResult(result: CheckResult, style: Style): string[] {
  const paint = { pass: style.green, warn: style.yellow, fail: style.red, skip: style.dim } as const;
  const title = CHECKS[result.id as CheckId].padEnd(TITLE_WIDTH);
  const code = result.code === undefined ? '' : `${result.code}: `;
  const detail = result.status === 'skip' ? style.dim(result.detail) : `${code}${result.detail}`;
  const lines = [
    `  ${paint[result.status](result.status.padEnd(4))}  ${result.status === 'skip' ? style.dim(title) : title}${detail}`,
  ];
  if (result.remedy !== undefined && result.status !== 'pass')
    lines.push(`${' '.repeat(8 + TITLE_WIDTH)}${style.cyan('fix:')} ${result.remedy}`);
  return lines;
}

/** The last line: whether WeChat can connect, and what failed. */
export function formatVerdict(report: Report, style: Style): string {
  const { fail, warn } = report.counts();
  const failedIds = report.results.filter((result) => result.status === 'fail').map((result) => result.id);
  if (fail > 0) {
    return style.red(
      `✗ WeChat will not connect: ${fail} check${fail === 1 ? '' : 's'} failed (${failedIds.join(', ')})${warn > 0 ? `, ${warn} warning${warn === 1 ? '' : 's'}` : ''}.`,
    );
  }
  return style.green(
    `✓ WeChat can connect${warn > 0 ? ` (${warn} warning${warn === 1 ? '' : 's'}: read them before deploying)` : ''}.`,
  );
}
