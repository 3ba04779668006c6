/**
 * docs/contract.md quotes every `errMsg` text wxsocket produces. These tests hold it to that: each text of the
 * catalogue in src/errmsg.ts must appear in the contract exactly (line breaks aside), so a text changed in the code
 * and not in the contract, or the other way round, fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as ErrMsg from '../src/errmsg.js';

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
});
