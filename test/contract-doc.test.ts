/**
 * docs/contract.md quotes every `errMsg` text wxsocket produces. These tests hold it to that: each text of the
 * catalogue in src/errmsg.ts must appear in the contract exactly (line breaks aside), so a text changed in the code
 * and not in the contract, or the other way round, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as ErrMsg from '../src/errmsg.js';
import { failureAfterOpen } from '../src/errmsg-after-open.js';

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

  test('§2 each text of a failure after open appears in the contract', () => {
    // ws's error codes (its API), as the transport passes them on; an unknown one reads `abnormal closure`.
    const codes = [
      'WS_ERR_INVALID_UTF8',
      'WS_ERR_UNEXPECTED_RSV_1',
      'WS_ERR_UNEXPECTED_RSV_2_3',
      'WS_ERR_INVALID_OPCODE',
      'WS_ERR_EXPECTED_FIN',
      'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
      'WS_ERR_EXPECTED_MASK',
      'WS_ERR_UNEXPECTED_MASK',
      'WS_ERR_INVALID_CLOSE_CODE',
      'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
      'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      'WS_ERR_TOO_MANY_BUFFERED_PARTS',
      'ECONNRESET',
    ];
    const missing = codes.map((code) => failureAfterOpen(code)).filter((text) => !contract.includes(`\`${text}\``));
    assert.deepEqual(missing, [], 'texts after open that docs/contract.md does not quote');
  });
});
