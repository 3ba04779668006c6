/**
 * docs/contract.md quotes every `errMsg` text wxsocket produces. These tests hold it to that: each text of the
 * catalogue in src/errmsg.ts must appear in the contract exactly (line breaks aside), so a text changed in the code
 * and not in the contract, or the other way round, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as ErrMsg from '../src/errmsg.js';
import { FAILURES_AFTER_OPEN, failureAfterOpen } from '../src/errmsg-after-open.js';

/** The contract with its line breaks as spaces: Markdown wraps long texts inside code spans. */
const contract = readFileSync(new URL('../docs/contract.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

/** A value whose type WeChat's parameter check names `<Type>`, the contract's placeholder. */
const anyType = { [Symbol.toStringTag]: '<Type>' };

describe('docs/contract.md quotes every errMsg text', () => {
  test('§0.4 each fixed text of the catalogue appears in the contract', () => {
    const texts = Object.entries(ErrMsg as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    assert.ok(texts.length >= 10, `only ${texts.length} texts found: did the catalogue move?`);
    const missing = texts.filter(([, text]) => !contract.includes(text));
    assert.deepEqual(missing, [], 'texts of src/errmsg.ts that docs/contract.md does not quote');
  });

  test('§1–§3, §8.1 each text built from the call appears with the contract placeholders', () => {
    const { fail, connectApi, sendApi, closeApi } = ErrMsg;
    const built = [
      fail(connectApi, ErrMsg.parameterError('parameter', 'Object', anyType)),
      fail(connectApi, ErrMsg.parameterError('parameter.url', 'String', anyType)),
      fail(connectApi, ErrMsg.parameterError('protocols[<i>]', 'String', anyType)),
      fail(connectApi, ErrMsg.unreadable('parameter.<key>', { toString: () => '<error>' })),
      fail(connectApi, ErrMsg.invalidUrl('<url>')),
      // The limit is a number in the code; the contract writes it `<max>`.
      fail(connectApi, ErrMsg.tooManySockets(0)).replace(/0$/, '<max>'),
      fail(connectApi, ErrMsg.invalidHeaderName('<name>')),
      fail(connectApi, ErrMsg.invalidHeaderValue('<name>')),
      fail(connectApi, ErrMsg.invalidProtocol('<p>')),
      fail(connectApi, ErrMsg.duplicateProtocol('<p>')),
      fail(connectApi, ErrMsg.suspended('createSocketTask')),
      fail(sendApi, ErrMsg.parameterError('parameter', 'Object', anyType)),
      fail(sendApi, ErrMsg.detached('send')),
      fail(sendApi, ErrMsg.unknownData),
      fail(sendApi, ErrMsg.notConnected),
      fail(closeApi, ErrMsg.detached('close')),
      fail(closeApi, ErrMsg.invalidCloseCode),
      fail(closeApi, ErrMsg.reasonTooLong),
      fail(closeApi, ErrMsg.notConnected),
      fail(closeApi, ErrMsg.suspended('operateSocketTask')),
      ErrMsg.ok(connectApi),
      ErrMsg.ok(sendApi),
      ErrMsg.ok(closeApi),
    ];
    const missing = built.filter((text) => !contract.includes(text));
    assert.deepEqual(missing, [], 'texts the code builds that docs/contract.md does not quote');
  });

  test('§2, §9.2 each handshake failure text, in both wordings, appears in the contract', () => {
    const failures: ErrMsg.OpenFailure[] = ['timeout', 'dns', 'tls', 'transport', 'handshake'];
    // The §9.2 wording is quoted as a table of `<N>` and `<M>`: its pairs are checked as the table's cells.
    const texts = failures.flatMap((failure) => {
      const binding = /^open fail: _code:(\d+),_msg:(.*)$/.exec(ErrMsg.openFailure(failure, true));
      assert.ok(binding, failure);
      return [ErrMsg.openFailure(failure, false), `| \`${binding[1]}\` | \`${binding[2]}\` |`];
    });
    const missing = texts.filter((text) => !contract.includes(text));
    assert.deepEqual(missing, [], 'handshake failure texts that docs/contract.md does not quote');
  });

  test('§2 the table of failures after open and the code table hold the same texts', () => {
    // The contract's table, from its header row `| Violation | \`errMsg\` |` to the first line that is not a row.
    const table = /\| Violation \| `errMsg` \| \|---\|---\| ((?:\|[^|]*\|[^|]*\| )+)/.exec(contract);
    assert.ok(table, 'docs/contract.md §2 has no table of violations: did it move?');
    const documented = [...(table[1] ?? '').matchAll(/\| `([^`]*)` \|/g)].map((match) => match[1]!);
    const coded = Object.values(FAILURES_AFTER_OPEN);
    assert.deepEqual(
      coded.filter((text) => !documented.includes(text)),
      [],
      'texts of src/errmsg-after-open.ts that the contract table does not quote',
    );
    assert.deepEqual(
      documented.filter((text) => !coded.includes(text)),
      [],
      'texts of the contract table that src/errmsg-after-open.ts does not produce',
    );
  });

  test('§2 a code not in the table is an abnormal closure', () => {
    // A reset's code, one `ws` may add later, a name every object inherits, and no code at all: the text §2 gives a
    // connection that died.
    for (const code of ['ECONNRESET', 'WS_ERR_NOT_YET_KNOWN', 'toString', undefined]) {
      assert.equal(failureAfterOpen(code), ErrMsg.abnormalClosure, String(code));
    }
    assert.ok(contract.includes(`\`${ErrMsg.abnormalClosure}\``));
  });
});
