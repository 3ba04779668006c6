/**
 * Security promises (SECURITY.md): TLS is verified by default and no option turns it off; header and request-line
 * injection is refused; `__proto__`/`constructor` keys from callers or servers cannot pollute prototypes; what was
 * validated is what is sent (options are read once).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { createWx } from '../../src/node.js';
import { createTestCertificates, type HandshakeFault } from '../../src/testing/index.js';
import type { SocketTask } from '../../src/types.js';
import { until, watchPrototypes } from '../helpers/leaks.js';
import { serversClosedAfter } from '../helpers/servers.js';

// A refused certificate or TLS version, as android reports it with the default (newest) base library (§9.2).
const TLS = 'open fail: _code:8,_msg:TLS handshake failed';

const start = serversClosedAfter();

interface Outcome {
  readonly events: string[];
  readonly header: Record<string, string> | undefined;
}

/** Runs a task to its end (closing it once open) and returns its events as `open`, `error <errMsg>`, `close <code>`. */
async function outcome(task: SocketTask | undefined): Promise<Outcome> {
  assert.ok(task, 'a task');
  const events: string[] = [];
  let header: Record<string, string> | undefined;
  task.onOpen((result) => {
    events.push('open');
    header = result.header;
    void task.close({});
  });
  task.onError(({ errMsg }) => void events.push(`error ${errMsg}`));
  task.onClose(({ code }) => void events.push(`close ${code}`));
  assert.ok(
    await until(() => events.some((event) => event.startsWith('close')), { maxMs: 5000, maxTurns: 1_000_000 }),
    `no onClose: ${events.join()}`,
  );
  return { events, header };
}

function callbacks() {
  const results: string[] = [];
  return {
    results,
    fail: ({ errMsg }: { errMsg: string }) => void results.push(`fail ${errMsg}`),
    success: ({ errMsg }: { errMsg: string }) => void results.push(`success ${errMsg}`),
  };
}

describe('TLS is verified by default, and no option turns verification off', () => {
  test('§1 a wss server whose CA is not trusted is refused before any HTTP request is sent', async () => {
    const server = await start({ secure: true });
    const { events } = await outcome(createWx().connectSocket({ url: server.url }));
    assert.deepEqual(events, [`error ${TLS}`, 'close 1006']);
    assert.equal(server.handshakeCount, 0, 'the upgrade request (headers, cookies, tokens) never left');
  });

  // Options real callers pass, hoping to turn checks off (Node's, `ws`'s, request's, axios's names).
  const DISABLING = {
    rejectUnauthorized: false,
    strictSSL: false,
    insecure: true,
    checkServerIdentity: () => undefined,
    agent: false,
    tls: { rejectUnauthorized: false },
    ca: 'not a certificate',
  };
  const FAULTS: Array<{ fault?: HandshakeFault; trust: boolean; label: string }> = [
    { trust: false, label: 'a server signed by an untrusted CA' },
    {
      fault: { type: 'untrusted-certificate' },
      trust: true,
      label: 'a certificate from another CA than the trusted one',
    },
    { fault: { type: 'wrong-host-certificate' }, trust: true, label: 'a certificate for another host' },
    { fault: { type: 'expired-certificate' }, trust: true, label: 'an expired certificate' },
  ];
  for (const { fault, trust, label } of FAULTS) {
    test(`§1 ${label} is refused even with ${Object.keys(DISABLING).join(', ')} in connectSocket options`, async () => {
      const server = await start({ secure: true, ...(fault && { fault }) });
      const ca = server.wxOptions.tls?.ca ?? [];
      const wx = createWx(trust ? { tls: { ca } } : {});
      const { events } = await outcome(wx.connectSocket({ url: server.url, ...DISABLING } as never));
      assert.deepEqual(events, [`error ${TLS}`, 'close 1006']);
      assert.equal(server.handshakeCount, 0);
    });
  }

  test('§1 createWx refuses the names that would turn verification off, as unknown options', () => {
    for (const name of ['rejectUnauthorized', 'checkServerIdentity', 'insecure']) {
      assert.throws(() => createWx({ tls: { ca: [], [name]: false } } as never), {
        name: 'WxOptionsError',
        option: `tls.${name}`,
      });
      assert.throws(() => createWx({ [name]: false } as never), { name: 'WxOptionsError', option: name });
    }
  });

  test('§1 trust cannot come from a polluted Object.prototype: Object.prototype.ca is not a CA to the transport', async () => {
    const server = await start({ secure: true });
    const attackerCa = server.wxOptions.tls?.ca ?? [];
    assert.ok(attackerCa.length > 0);
    const prototype = Object.prototype as { ca?: unknown; checkServerIdentity?: unknown };
    try {
      prototype.ca = attackerCa;
      prototype.checkServerIdentity = () => undefined;
      const { events } = await outcome(createWx().connectSocket({ url: server.url }));
      assert.deepEqual(events, [`error ${TLS}`, 'close 1006']);
      assert.equal(server.handshakeCount, 0, 'the upgrade request (headers, cookies, tokens) never left');
    } finally {
      delete prototype.ca;
      delete prototype.checkServerIdentity;
    }
  });

  test('§1 the same servers are reached once trusted properly: the refusals above are about the certificate', async () => {
    const server = await start({ secure: true });
    const { events } = await outcome(createWx({ ...server.wxOptions }).connectSocket({ url: server.url }));
    assert.deepEqual(events, ['open', 'close 1000']);
  });

  test('§1 NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn verification off', () => {
    const child = fileURLToPath(new URL('./fixtures/tls-env-child.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      env: string;
      results: Array<{ events: string[]; handshakes: number }>;
    };
    assert.equal(report.env, '0');
    assert.equal(report.results.length, 3);
    for (const result of report.results) {
      assert.deepEqual(result.events, [`error ${TLS}`, 'close 1006'], JSON.stringify(result));
      assert.equal(result.handshakes, 0);
    }
  });

  test('§1 a server that speaks only TLS 1.1 or older is refused (TLS 1.2 at least, as WeChat requires)', async () => {
    const certificates = createTestCertificates();
    let secureConnections = 0;
    const server: TlsServer = createTlsServer(
      {
        key: certificates.keyPem,
        cert: certificates.certPem,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      (socket) => {
        secureConnections += 1;
        socket.destroy();
      },
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const wx = createWx({ tls: { ca: [certificates.caPem] } });
      const { events } = await outcome(wx.connectSocket({ url: `wss://localhost:${port}` }));
      assert.deepEqual(events, [`error ${TLS}`, 'close 1006']);
      assert.equal(secureConnections, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('header and request-line injection is refused', () => {
  const CASES: Array<[header: Record<string, unknown>, failure: RegExp]> = [
    [{ 'X-A': 'v\r\nX-Injected: 1' }, /^connectSocket:fail parameter error: header "X-A" has an invalid value$/],
    [{ 'X-A': 'v\nX-Injected: 1' }, /header "X-A" has an invalid value/],
    [{ 'X-A': 'v\rX-Injected: 1' }, /header "X-A" has an invalid value/],
    [{ 'X-A': 'v\u0000' }, /header "X-A" has an invalid value/],
    [{ 'X-A': '\u2028' }, /header "X-A" has an invalid value/],
    [
      { 'X-A\r\nX-Injected': 'v' },
      /^connectSocket:fail parameter error: header "X-A\\r\\nX-Injected" has an invalid name$/,
    ],
    [{ 'X A': 'v' }, /header "X A" has an invalid name/],
    [{ 'X:A': 'v' }, /header "X:A" has an invalid name/],
    [{ '': 'v' }, /header "" has an invalid name/],
    [{ Ünicode: 'v' }, /header "Ünicode" has an invalid name/],
  ];
  for (const [header, failure] of CASES) {
    test(`§1 header ${JSON.stringify(header)} fails the call, returns no task and opens no connection`, async () => {
      const server = await start();
      const spy = callbacks();
      const wx = createWx();
      assert.equal(wx.connectSocket({ url: server.url, header: header as Record<string, string>, ...spy }), undefined);
      await until(() => spy.results.length > 0);
      assert.equal(spy.results.length, 1);
      assert.match(spy.results[0]!.replace(/^fail /, ''), failure);
      // A witness connection, made after the refused call: connection attempts start in call order, so one for the
      // refused call would have reached the server first.
      const witness = wx.connectSocket({ url: `${server.url}/witness` });
      assert.ok(await until(() => server.handshakes.length > 0), 'the witness reached the server');
      assert.deepEqual(
        server.handshakes.map((handshake) => handshake.url),
        ['/witness'],
      );
      assert.equal(server.connectionCount, 1);
      void witness.close();
    });
  }

  test('§1 a subprotocol with CR/LF or a separator fails the call and opens no connection', async () => {
    const server = await start();
    for (const protocols of [['a\r\nX-Injected: 1'], ['a b'], ['a,b\n']]) {
      const spy = callbacks();
      assert.equal(createWx().connectSocket({ url: server.url, protocols, ...spy }), undefined);
      await until(() => spy.results.length > 0);
      assert.match(spy.results[0]!, /^fail connectSocket:fail parameter error: protocols has an invalid subprotocol /);
    }
    assert.equal(server.connectionCount, 0);
  });

  test('§1 CR/LF, spaces and NUL in the URL cannot add headers or a second request: the server sees one clean request', async () => {
    const server = await start();
    const url = `${server.url}/path\r\nX-Injected: 1\r\n\r\nGET /second HTTP/1.1\u0000 x`;
    const { events } = await outcome(createWx().connectSocket({ url }));
    assert.deepEqual(events, ['open', 'close 1000']);
    assert.equal(server.handshakeCount, 1);
    const [request] = server.handshakes;
    assert.equal(request!.headers['x-injected'], undefined);
    // eslint-disable-next-line no-control-regex -- NUL is one of the characters that must not reach the request line
    assert.doesNotMatch(request!.url, /[\r\n\u0000 ]/);
    assert.ok(request!.url.startsWith('/path'), request!.url);
  });

  test('§1 userinfo in the URL is not sent: no Authorization header leaves, in clear text or otherwise', async () => {
    const server = await start();
    for (const userinfo of ['user:pw@', 'user@', ':pw@', 'us%65r:p%40ss@']) {
      const url = server.url.replace('://', `://${userinfo}`);
      const { events } = await outcome(createWx().connectSocket({ url: `${url}/path?q=1` }));
      assert.deepEqual(events, ['open', 'close 1000'], url);
      const request = server.handshakes.at(-1)!;
      assert.equal(request.headers['authorization'], undefined, url);
      assert.equal(request.url, '/path?q=1');
    }
  });

  test('§1 Referer, User-Agent and the handshake headers cannot be set, in any case', async () => {
    const server = await start();
    const header = {
      referer: 'https://evil.example/',
      'USER-AGENT': 'evil',
      Host: 'evil.example',
      'sec-websocket-key': 'AAAAAAAAAAAAAAAAAAAAAA==',
      'Sec-WebSocket-Version': '8',
      Connection: 'close',
      Upgrade: 'h2c',
      'X-Kept': 'yes',
    };
    const wx = createWx({ appId: 'wx0123456789abcdef', appVersion: '7' });
    const { events } = await outcome(wx.connectSocket({ url: server.url, header }));
    assert.deepEqual(events, ['open', 'close 1000']);
    const seen = server.handshakes[0]!.headers;
    assert.equal(seen['referer'], 'https://servicewechat.com/wx0123456789abcdef/7/page-frame.html');
    assert.notEqual(seen['user-agent'], 'evil');
    assert.equal(seen['host'], `127.0.0.1:${server.port}`);
    assert.notEqual(seen['sec-websocket-key'], 'AAAAAAAAAAAAAAAAAAAAAA==');
    assert.equal(seen['sec-websocket-version'], '13');
    assert.equal(seen['x-kept'], 'yes');
    for (const name of ['referer', 'user-agent', 'host', 'sec-websocket-key', 'connection', 'upgrade']) {
      assert.equal(
        server.handshakes[0]!.rawHeaders.filter((raw, index) => index % 2 === 0 && raw.toLowerCase() === name).length,
        1,
        `one ${name}`,
      );
    }
  });

  test('§1 options are read once: a getter that turns hostile after validation, or a later mutation, changes nothing sent', async () => {
    const server = await start();
    let reads = 0;
    const header: Record<string, string> = { 'X-Mutated': 'before' };
    Object.defineProperty(header, 'X-Sneaky', {
      enumerable: true,
      get: () => (reads++ === 0 ? 'fine' : 'bad\r\nX-Injected: 1'),
    });
    const protocols = ['chat'];
    const wx = createWx();
    const task = wx.connectSocket({ url: server.url, header, protocols });
    header['X-Mutated'] = 'after\r\nX-Injected: 2';
    protocols.push('bad\r\nprotocol');
    const { events } = await outcome(task);
    assert.deepEqual(events, ['open', 'close 1000']);
    const seen = server.handshakes[0]!;
    assert.equal(seen.headers['x-sneaky'], 'fine');
    assert.equal(seen.headers['x-mutated'], 'before');
    assert.equal(seen.headers['x-injected'], undefined);
    assert.deepEqual(seen.protocols, ['chat']);
    assert.equal(reads, 1);
  });

  test('§5 the domain list is copied when createWx runs: changing the array afterwards allows nothing new', async () => {
    const domains = ['chat.example.com'];
    const wx = createWx({ domains, transport: () => assert.fail('no connection may be attempted') });
    domains.push('evil.example.com');
    domains[0] = 'evil.example.com';
    const errors: string[] = [];
    const task = wx.connectSocket({ url: 'wss://evil.example.com/' })!;
    task.onError(({ errMsg }) => void errors.push(errMsg));
    await until(() => errors.length > 0);
    assert.deepEqual(errors, ['fail:url not in domain list']);
  });
});

describe('prototype keys cannot pollute prototypes', () => {
  test('§2 a server sending headers named __proto__, constructor and prototype: onOpen gets them as plain entries', async () => {
    const changed = watchPrototypes();
    // JSON.parse makes `__proto__` an own key (an object literal would set the prototype instead).
    const server = await start({
      headers: JSON.parse('{"__proto__": "{\\"polluted\\":1}", "constructor": "x", "prototype": "y", "X-Fine": "z"}'),
    });
    const { events, header } = await outcome(createWx().connectSocket({ url: server.url }));
    assert.deepEqual(events, ['open', 'close 1000']);
    assert.ok(header);
    assert.equal(Object.getPrototypeOf(header), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(header, '__proto__')?.value, '{"polluted":1}');
    assert.equal(Object.getOwnPropertyDescriptor(header, 'constructor')?.value, 'x');
    assert.equal(header['X-Fine'], 'z');
    assert.deepEqual(changed(), []);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  test('§1 __proto__, constructor and prototype keys in every option object of createWx and connectSocket change no prototype', async () => {
    const changed = watchPrototypes();
    const server = await start();
    const poison =
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "prototype": {"polluted": 3}}';
    // createWx knows none of these keys, at the top level or nested: it refuses each object, reading nothing into it.
    for (const wxOptions of [
      `{"platform": "ios", "__proto__": {"polluted": 4}}`,
      `{"platform": "ios", "networkTimeout": ${poison}}`,
      `{"platform": "ios", "tls": ${poison}}`,
      `{"platform": "ios", "launch": ${poison}}`,
    ]) {
      assert.throws(() => createWx(JSON.parse(wxOptions)), { name: 'WxOptionsError' });
    }
    const wx = createWx({ platform: 'ios' });
    const options = JSON.parse(
      `{"url": "${server.url}", "header": ${poison}, "__proto__": {"polluted": 5}, "constructor": {"prototype": {"polluted": 6}}}`,
    );
    const { events } = await outcome(wx.connectSocket(options));
    assert.deepEqual(events, ['open', 'close 1000']);
    assert.deepEqual(changed(), []);
    for (const object of [{}, [], () => undefined, Object.create(Object.prototype)])
      assert.equal((object as { polluted?: unknown }).polluted, undefined);
  });
});
