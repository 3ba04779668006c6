/**
 * The client's side of the opening handshake, written and read without Node's `http` (src/transports/http-upgrade.ts):
 * the request text `Upgrade` writes, the checks it makes on the response as `ws`'s client made them (same failure
 * texts), and `ResponseReader`, which reads the response head as Node's parser did (same `HPE_*` codes).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { ResponseReader, Upgrade, type UpgradeRequest } from '../src/transports/http-upgrade.js';

const PLAIN: UpgradeRequest = { headers: {}, protocols: [], perMessageDeflate: false, maxMessageSize: 1024 };

function upgrade(url: string, request: Partial<UpgradeRequest> = {}): Upgrade {
  return new Upgrade(url, { ...PLAIN, ...request });
}

/** The key a request carries: 16 random bytes in base64. */
function keyOf(request: string): string {
  const key = /\r\nSec-WebSocket-Key: ([A-Za-z0-9+/]{22}==)\r\n/.exec(request)?.[1];
  assert.ok(key, `no Sec-WebSocket-Key in ${JSON.stringify(request)}`);
  return key;
}

/** The `Sec-WebSocket-Accept` a server computes for a key (RFC 6455 §4.2.2). */
function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
}

/** The request lines (without the blank line that ends the request), the key replaced by `<key>`. */
function requestLines(request: string): string[] {
  assert.ok(request.endsWith('\r\n\r\n'), 'the request ends with a blank line');
  return request
    .slice(0, -4)
    .split('\r\n')
    .map((line) => line.replace(/^(Sec-WebSocket-Key: ).*$/, '$1<key>'));
}

describe('Upgrade: the request', () => {
  test('a plain URL: request line with path and query, given headers first, then the handshake, Host last', () => {
    const sent = upgrade('ws://chat.example.test/room/1?user=a&b=%20', {
      headers: { Referer: 'https://servicewechat.com/touristappid/devtools/page-frame.html', 'X-Token': 'abc' },
    });
    assert.deepEqual(requestLines(sent.request), [
      'GET /room/1?user=a&b=%20 HTTP/1.1',
      'Referer: https://servicewechat.com/touristappid/devtools/page-frame.html',
      'X-Token: abc',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: <key>',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Host: chat.example.test',
    ]);
    assert.equal(sent.host, 'chat.example.test');
    assert.equal(sent.port, 80);
    assert.equal(sent.secure, false);
  });

  test('a URL without a path asks for /', () => {
    assert.equal(requestLines(upgrade('ws://chat.example.test').request)[0], 'GET / HTTP/1.1');
  });

  test('the key is 16 random bytes in base64, new for each request', () => {
    const first = keyOf(upgrade('ws://chat.example.test/').request);
    const second = keyOf(upgrade('ws://chat.example.test/').request);
    assert.equal(Buffer.from(first, 'base64').length, 16);
    assert.notEqual(first, second);
  });

  test('the given headers keep their order and the case of their names', () => {
    const sent = upgrade('ws://chat.example.test/', { headers: { 'x-b': '2', 'X-A': '1', cookie: 'k=v; l=w' } });
    assert.deepEqual(requestLines(sent.request).slice(1, 4), ['x-b: 2', 'X-A: 1', 'cookie: k=v; l=w']);
  });

  test('perMessageDeflate adds the offer, protocols add one comma-joined header, both before Host', () => {
    const sent = upgrade('wss://chat.example.test/', { perMessageDeflate: true, protocols: ['chat', 'superchat'] });
    assert.deepEqual(requestLines(sent.request), [
      'GET / HTTP/1.1',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: <key>',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
      'Sec-WebSocket-Protocol: chat,superchat',
      'Host: chat.example.test',
    ]);
    assert.equal(sent.secure, true);
    assert.equal(sent.port, 443);
  });

  // Node's `Host`: the port only when it is not the scheme's default, an IPv6 address in brackets.
  const HOSTS = [
    { url: 'ws://chat.example.test:80/', host: 'chat.example.test', port: 80, header: 'chat.example.test' },
    { url: 'wss://chat.example.test:443/', host: 'chat.example.test', port: 443, header: 'chat.example.test' },
    { url: 'ws://chat.example.test:443/', host: 'chat.example.test', port: 443, header: 'chat.example.test:443' },
    { url: 'wss://chat.example.test:80/', host: 'chat.example.test', port: 80, header: 'chat.example.test:80' },
    { url: 'ws://127.0.0.1:8080/', host: '127.0.0.1', port: 8080, header: '127.0.0.1:8080' },
    { url: 'ws://[::1]:8080/', host: '::1', port: 8080, header: '[::1]:8080' },
    { url: 'wss://[::1]/', host: '::1', port: 443, header: '[::1]' },
    { url: 'ws://CHAT.Example.TEST/', host: 'chat.example.test', port: 80, header: 'chat.example.test' },
  ];
  for (const { url, host, port, header } of HOSTS) {
    test(`${url}: connects to ${host} port ${port}, sends "Host: ${header}"`, () => {
      const sent = upgrade(url);
      assert.equal(sent.host, host);
      assert.equal(sent.port, port);
      assert.equal(sent.secure, url.startsWith('wss:'));
      assert.equal(requestLines(sent.request).at(-1), `Host: ${header}`);
    });
  }

  test('a header name that is not a token throws a TypeError', () => {
    for (const name of ['Bad Name', 'X-A:', '', 'X-\u00e9', 'X\r\nInjected']) {
      assert.throws(() => upgrade('ws://chat.example.test/', { headers: { [name]: 'v' } }), TypeError, name);
    }
  });

  test('a header value with CR, LF or NUL throws a TypeError', () => {
    for (const value of ['a\r\nInjected: 1', 'a\nb', 'a\rb', 'a\0b']) {
      assert.throws(
        () => upgrade('ws://chat.example.test/', { headers: { 'X-A': value } }),
        TypeError,
        JSON.stringify(value),
      );
    }
  });

  test('an invalid or duplicated subprotocol throws a SyntaxError', () => {
    for (const protocols of [['a b'], ['chat', ''], ['chat', 'chat'], ['x,y'], ['a\r\nb']]) {
      assert.throws(
        () => upgrade('ws://chat.example.test/', { protocols }),
        { name: 'SyntaxError', message: 'An invalid or duplicated subprotocol was specified' },
        JSON.stringify(protocols),
      );
    }
  });

  test('a URL that does not parse throws a TypeError', () => {
    for (const url of ['not a url', 'ws://', 'ws://[::1/']) assert.throws(() => upgrade(url), TypeError, url);
  });

  test('a URL whose scheme is not ws or wss throws a SyntaxError', () => {
    for (const url of ['http://chat.example.test/', 'https://chat.example.test/', 'ftp://chat.example.test/']) {
      assert.throws(() => upgrade(url), SyntaxError, url);
    }
  });
});

/** A 101 head that is valid for the request, with the headers given added (or replacing those of the same name). */
function switching(sent: Upgrade, extra: Record<string, string | undefined> = {}): string[] {
  const headers: Record<string, string | undefined> = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Accept': acceptFor(keyOf(sent.request)),
    ...extra,
  };
  return Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [name, value]));
}

describe('Upgrade#check: the response', () => {
  test('a valid 101 agrees to no subprotocol and no extension', () => {
    const sent = upgrade('ws://chat.example.test/');
    assert.deepEqual(sent.check({ status: 101, rawHeaders: switching(sent) }), { protocol: '', deflate: undefined });
  });

  test('another status is an unexpected response', () => {
    const sent = upgrade('ws://chat.example.test/');
    assert.equal(sent.check({ status: 403, rawHeaders: [] }), 'Unexpected server response: 403');
    // Even one that looks like an upgrade otherwise.
    assert.equal(sent.check({ status: 200, rawHeaders: switching(sent) }), 'Unexpected server response: 200');
  });

  test('a 101 without the upgrade token in Connection is an unexpected response', () => {
    const sent = upgrade('ws://chat.example.test/');
    for (const connection of [undefined, 'keep-alive', 'close', 'upgrades', '']) {
      assert.equal(
        sent.check({ status: 101, rawHeaders: switching(sent, { Connection: connection }) }),
        'Unexpected server response: 101',
        String(connection),
      );
    }
  });

  test('a 101 without an Upgrade header is an unexpected response', () => {
    const sent = upgrade('ws://chat.example.test/');
    const rawHeaders = switching(sent, { Upgrade: undefined });
    assert.equal(sent.check({ status: 101, rawHeaders }), 'Unexpected server response: 101');
  });

  test('an upgrade to another protocol is refused', () => {
    const sent = upgrade('ws://chat.example.test/');
    const rawHeaders = switching(sent, { Upgrade: 'h2c' });
    assert.equal(sent.check({ status: 101, rawHeaders }), 'Invalid Upgrade header');
  });

  test('a wrong or missing Sec-WebSocket-Accept is refused', () => {
    const sent = upgrade('ws://chat.example.test/');
    const other = acceptFor(keyOf(upgrade('ws://chat.example.test/').request));
    for (const accept of [other, undefined, '', acceptFor(keyOf(sent.request)).toLowerCase()]) {
      assert.equal(
        sent.check({ status: 101, rawHeaders: switching(sent, { 'Sec-WebSocket-Accept': accept }) }),
        'Invalid Sec-WebSocket-Accept header',
        String(accept),
      );
    }
  });

  test('a repeated Sec-WebSocket-Accept is refused, even with the right value twice (joined with ", ")', () => {
    const sent = upgrade('ws://chat.example.test/');
    const rawHeaders = [...switching(sent), 'Sec-WebSocket-Accept', acceptFor(keyOf(sent.request))];
    assert.equal(sent.check({ status: 101, rawHeaders }), 'Invalid Sec-WebSocket-Accept header');
  });

  test('header names match whatever their case; Upgrade: WebSocket is an upgrade to WebSocket', () => {
    const sent = upgrade('ws://chat.example.test/');
    const accept = acceptFor(keyOf(sent.request));
    const rawHeaders = ['UPGRADE', 'WebSocket', 'connection', 'UPGRADE', 'sec-websocket-accept', accept];
    assert.deepEqual(sent.check({ status: 101, rawHeaders }), { protocol: '', deflate: undefined });
  });

  test('Connection: keep-alive, Upgrade counts as an upgrade, and so does a repeated Connection header', () => {
    const sent = upgrade('ws://chat.example.test/');
    const listed = switching(sent, { Connection: 'keep-alive, Upgrade' });
    assert.deepEqual(sent.check({ status: 101, rawHeaders: listed }), { protocol: '', deflate: undefined });
    const repeated = [...switching(sent, { Connection: 'keep-alive' }), 'Connection', 'upgrade'];
    assert.deepEqual(sent.check({ status: 101, rawHeaders: repeated }), { protocol: '', deflate: undefined });
  });

  describe('subprotocols', () => {
    test('one sent when none was requested is refused', () => {
      const sent = upgrade('ws://chat.example.test/');
      const rawHeaders = switching(sent, { 'Sec-WebSocket-Protocol': 'chat' });
      assert.equal(sent.check({ status: 101, rawHeaders }), 'Server sent a subprotocol but none was requested');
    });

    test('one that was not requested is refused, as is a list of requested ones', () => {
      const sent = upgrade('ws://chat.example.test/', { protocols: ['chat', 'superchat'] });
      for (const protocol of ['other', 'Chat', 'chat, superchat', 'chat,superchat']) {
        const rawHeaders = switching(sent, { 'Sec-WebSocket-Protocol': protocol });
        assert.equal(sent.check({ status: 101, rawHeaders }), 'Server sent an invalid subprotocol', protocol);
      }
    });

    test('none sent when some were requested is refused', () => {
      const sent = upgrade('ws://chat.example.test/', { protocols: ['chat'] });
      assert.equal(sent.check({ status: 101, rawHeaders: switching(sent) }), 'Server sent no subprotocol');
    });

    test('a requested one selected is the agreed protocol', () => {
      const sent = upgrade('ws://chat.example.test/', { protocols: ['chat', 'superchat'] });
      const rawHeaders = switching(sent, { 'sec-websocket-protocol': 'superchat' });
      assert.deepEqual(sent.check({ status: 101, rawHeaders }), { protocol: 'superchat', deflate: undefined });
    });
  });

  describe('extensions', () => {
    test('one sent when none was requested is refused', () => {
      const sent = upgrade('ws://chat.example.test/');
      const rawHeaders = switching(sent, { 'Sec-WebSocket-Extensions': 'permessage-deflate' });
      assert.equal(
        sent.check({ status: 101, rawHeaders }),
        'Server sent a Sec-WebSocket-Extensions header but no extension was requested',
      );
    });

    test('another extension, alone or with permessage-deflate, is refused', () => {
      const sent = upgrade('ws://chat.example.test/', { perMessageDeflate: true });
      for (const extensions of ['x-webkit-deflate-frame', 'permessage-deflate, x-custom']) {
        const rawHeaders = switching(sent, { 'Sec-WebSocket-Extensions': extensions });
        assert.equal(
          sent.check({ status: 101, rawHeaders }),
          'Server indicated an extension that was not requested',
          extensions,
        );
      }
    });

    test('a header that does not parse, or parameters the offer does not allow, are refused', () => {
      const sent = upgrade('ws://chat.example.test/', { perMessageDeflate: true });
      const invalid = [
        'permessage-deflate;',
        'permessage-deflate; =1',
        'permessage-deflate; server_max_window_bits=100',
        'permessage-deflate; client_max_window_bits=abc',
        'permessage-deflate; unknown_parameter',
      ];
      for (const extensions of invalid) {
        const rawHeaders = switching(sent, { 'Sec-WebSocket-Extensions': extensions });
        assert.equal(sent.check({ status: 101, rawHeaders }), 'Invalid Sec-WebSocket-Extensions header', extensions);
      }
    });

    test('a valid permessage-deflate answer agrees to the extension', () => {
      for (const extensions of ['permessage-deflate', 'permessage-deflate; client_max_window_bits=10']) {
        const sent = upgrade('ws://chat.example.test/', { perMessageDeflate: true, protocols: ['chat'] });
        const rawHeaders = switching(sent, {
          'Sec-WebSocket-Extensions': extensions,
          'Sec-WebSocket-Protocol': 'chat',
        });
        const agreed = sent.check({ status: 101, rawHeaders });
        assert.ok(typeof agreed === 'object', `${extensions}: ${String(agreed)}`);
        assert.equal(agreed.protocol, 'chat');
        assert.ok(agreed.deflate, extensions);
        assert.equal(typeof agreed.deflate.offer, 'function');
      }
    });
  });
});

const SWITCHING_HEAD = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const SWITCHING_HEADERS = ['Upgrade', 'websocket', 'Connection', 'Upgrade'];

/** What `read` throws for the bytes given in one chunk. */
function readError(text: string | Buffer): unknown {
  try {
    new ResponseReader().read(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  } catch (error) {
    return error;
  }
  return assert.fail(`no error for ${JSON.stringify(text.toString())}`);
}

describe('ResponseReader#read', () => {
  test('a head in one chunk', () => {
    const head = new ResponseReader().read(Buffer.from(SWITCHING_HEAD));
    assert.ok(head);
    assert.equal(head.status, 101);
    assert.deepEqual(head.rawHeaders, SWITCHING_HEADERS);
    assert.equal(head.rest.length, 0);
  });

  test('a head byte by byte: undefined until the blank line, then the head', () => {
    const reader = new ResponseReader();
    const bytes = Buffer.from(SWITCHING_HEAD);
    for (let index = 0; index < bytes.length - 1; index++) {
      assert.equal(reader.read(bytes.subarray(index, index + 1)), undefined, `after byte ${index}`);
    }
    const head = reader.read(bytes.subarray(-1));
    assert.ok(head);
    assert.equal(head.status, 101);
    assert.deepEqual(head.rawHeaders, SWITCHING_HEADERS);
    assert.equal(head.rest.length, 0);
  });

  test('the bytes after the head are the rest: the first WebSocket frame in the same chunk', () => {
    const frame = Buffer.from([0x81, 0x05, ...Buffer.from('hello')]);
    const head = new ResponseReader().read(Buffer.concat([Buffer.from(SWITCHING_HEAD), frame]));
    assert.ok(head);
    assert.deepEqual(head.rawHeaders, SWITCHING_HEADERS);
    assert.deepEqual(head.rest, frame);
  });

  test('the rest after a head split across chunks, whose blank line is split too', () => {
    const reader = new ResponseReader();
    const frame = Buffer.from([0x81, 0x02, 0x68, 0x69]);
    assert.equal(reader.read(Buffer.from(SWITCHING_HEAD.slice(0, 20))), undefined);
    assert.equal(reader.read(Buffer.from(SWITCHING_HEAD.slice(20, -2))), undefined);
    const head = reader.read(Buffer.concat([Buffer.from('\r\n'), frame]));
    assert.ok(head);
    assert.deepEqual(head.rawHeaders, SWITCHING_HEADERS);
    assert.deepEqual(head.rest, frame);
  });

  test('a final status other than 101 is a head too, with its headers', () => {
    const head = new ResponseReader().read(Buffer.from('HTTP/1.0 403 Forbidden\r\nContent-Length: 3\r\n\r\nno!'));
    assert.ok(head);
    assert.equal(head.status, 403);
    assert.deepEqual(head.rawHeaders, ['Content-Length', '3']);
    assert.equal(head.rest.toString(), 'no!');
  });

  test('a status line without a reason phrase, or with an empty one, is read', () => {
    for (const line of ['HTTP/1.1 101', 'HTTP/1.1 101 ', 'HTTP/1.0 101 \u00e9t\u00e9\tok']) {
      const head = new ResponseReader().read(Buffer.from(`${line}\r\nUpgrade: websocket\r\n\r\n`, 'latin1'));
      assert.equal(head?.status, 101, line);
    }
  });

  test('informational heads (100 Continue, 103 Early Hints) are skipped; the 101 after them is returned', () => {
    const informational =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\n\r\n';
    const frame = Buffer.from([0x81, 0x00]);
    const head = new ResponseReader().read(Buffer.concat([Buffer.from(informational + SWITCHING_HEAD), frame]));
    assert.ok(head);
    assert.equal(head.status, 101);
    assert.deepEqual(head.rawHeaders, SWITCHING_HEADERS);
    assert.deepEqual(head.rest, frame);
  });

  test('an informational head in a chunk of its own is skipped: undefined until the 101', () => {
    const reader = new ResponseReader();
    assert.equal(reader.read(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n')), undefined);
    assert.equal(
      reader.read(Buffer.from('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 101 OK\r\n')),
      undefined,
    );
    const head = reader.read(Buffer.from('Upgrade: websocket\r\n\r\n'));
    assert.ok(head);
    assert.equal(head.status, 101);
    assert.deepEqual(head.rawHeaders, ['Upgrade', 'websocket']);
  });

  test("rawHeaders keep the names' case and order, repeated names included", () => {
    const text =
      'HTTP/1.1 101 OK\r\nx-lower: 1\r\nX-UPPER: 2\r\nSet-Cookie: a=1\r\nX-Mixed-Case: 3\r\nset-cookie: b=2\r\n\r\n';
    assert.deepEqual(new ResponseReader().read(Buffer.from(text))?.rawHeaders, [
      'x-lower',
      '1',
      'X-UPPER',
      '2',
      'Set-Cookie',
      'a=1',
      'X-Mixed-Case',
      '3',
      'set-cookie',
      'b=2',
    ]);
  });

  test('values are trimmed of spaces and tabs around them, and of nothing else', () => {
    // U+00A0 (a Latin-1 byte, allowed as obs-text) is white space to `String#trim`, but not to HTTP.
    const text = 'HTTP/1.1 101 OK\r\nA: \t v a l \t \r\nB:tight\r\nC:\r\nD: \u00a0x\u00a0 \r\nE:   \r\n\r\n';
    assert.deepEqual(new ResponseReader().read(Buffer.from(text, 'latin1'))?.rawHeaders, [
      'A',
      'v a l',
      'B',
      'tight',
      'C',
      '',
      'D',
      '\u00a0x\u00a0',
      'E',
      '',
    ]);
  });

  test('a status line that is not HTTP/1.x NNN fails with HPE_INVALID_CONSTANT', () => {
    const lines = [
      'garbage',
      'HTTP/2 101 Switching Protocols',
      'HTTP/1.2 101 Switching Protocols',
      'http/1.1 101 Switching Protocols',
      'HTTP/1.1 1010 Too Long',
      'HTTP/1.1 10 Too Short',
      'HTTP/1.1 abc Letters',
      'HTTP/1.1  101 Two Spaces',
      'ICY 200 OK',
      '',
    ];
    for (const line of lines) {
      assert.equal(
        (readError(`${line}\r\nUpgrade: websocket\r\n\r\n`) as { code?: unknown }).code,
        'HPE_INVALID_CONSTANT',
        line,
      );
    }
  });

  test('the error is an Error whose message says it is a parse error', () => {
    const error = readError('garbage\r\n\r\n');
    assert.ok(error instanceof Error);
    assert.match(error.message, /^Parse Error: /);
  });

  test('a header line that is not "token: value" fails with HPE_INVALID_HEADER_TOKEN', () => {
    const lines = [
      'NoColon',
      'Upgrade : websocket', // white space before the colon
      'Upgrade\t: websocket',
      ': no name',
      ' Folded: value', // an obsolete line fold: starts with white space
      '\tcontinued',
      'Bad Name: value',
      'X-\u00e9: value',
    ];
    for (const line of lines) {
      const error = readError(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n${line}\r\n\r\n`);
      assert.equal((error as { code?: unknown }).code, 'HPE_INVALID_HEADER_TOKEN', JSON.stringify(line));
    }
  });

  test('a value with a control character fails with HPE_INVALID_HEADER_TOKEN', () => {
    for (const value of ['a\x00b', 'a\x01b', 'a\x7fb', 'a\rb', 'a\nb', 'a\x0bb', '\x1b[31mred']) {
      const error = readError(`HTTP/1.1 101 Switching Protocols\r\nX-Value: ${value}\r\n\r\n`);
      assert.equal((error as { code?: unknown }).code, 'HPE_INVALID_HEADER_TOKEN', JSON.stringify(value));
    }
  });

  test('a head over 16 KiB fails with HPE_HEADER_OVERFLOW once complete', () => {
    const error = readError(`HTTP/1.1 101 Switching Protocols\r\nX-Big: ${'a'.repeat(16 * 1024)}\r\n\r\n`);
    assert.equal((error as { code?: unknown }).code, 'HPE_HEADER_OVERFLOW');
  });

  test('a head over 16 KiB fails with HPE_HEADER_OVERFLOW before its blank line arrives, in one chunk or many', () => {
    const partial = `HTTP/1.1 101 Switching Protocols\r\nX-Big: ${'a'.repeat(16 * 1024)}`;
    assert.equal((readError(partial) as { code?: unknown }).code, 'HPE_HEADER_OVERFLOW');
    // In chunks of 1 KiB: the reader stops waiting as soon as it holds more than 16 KiB without a blank line.
    const reader = new ResponseReader();
    const bytes = Buffer.from(partial);
    let failedAt: number | undefined;
    for (let offset = 0; offset < bytes.length && failedAt === undefined; offset += 1024) {
      try {
        assert.equal(reader.read(bytes.subarray(offset, offset + 1024)), undefined);
      } catch (error) {
        assert.equal((error as { code?: unknown }).code, 'HPE_HEADER_OVERFLOW');
        failedAt = offset + 1024;
      }
    }
    assert.equal(failedAt, 17 * 1024);
  });

  test('a head of exactly 16 KiB is read however its blank line is split across chunks', () => {
    const head = `HTTP/1.1 101 OK\r\nX: ${'a'.repeat(16 * 1024 - 20)}`;
    assert.equal(head.length, 16 * 1024);
    for (const cut of [0, 1, 2, 3, 4]) {
      const whole = Buffer.from(`${head}\r\n\r\n`);
      const reader = new ResponseReader();
      const first = reader.read(whole.subarray(0, head.length + cut));
      const read = cut === 4 ? first : reader.read(whole.subarray(head.length + cut));
      assert.equal(read?.status, 101, `the blank line cut after ${cut} bytes`);
    }
  });

  test('a head under the limit is read, and so are many informational heads that each are', () => {
    const big = `HTTP/1.1 101 Switching Protocols\r\nX-Big: ${'a'.repeat(16_000)}\r\n\r\n`;
    assert.equal(new ResponseReader().read(Buffer.from(big))?.rawHeaders[1]?.length, 16_000);
    const hints = `HTTP/1.1 103 Early Hints\r\nLink: ${'b'.repeat(8000)}\r\n\r\n`.repeat(4);
    assert.equal(new ResponseReader().read(Buffer.from(hints + SWITCHING_HEAD))?.status, 101);
  });
});
