// `wxsocket connect`: scripted runs (--send, --wait, exit codes) and the REPL driven through stdin, against test
// servers in this process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestServer, echo, type TestServer } from '../../src/testing/index.js';
import { buildCli, jsonLines, runCli, startCli } from './cli-helpers.js';

before(buildCli);

type Entry = { type: string; name?: string; text?: string; payload?: Record<string, unknown> };
const named = (entries: Entry[], name: string) => entries.filter((entry) => entry.name === name);

describe('wxsocket connect, scripted', () => {
  let plain: TestServer;
  let secure: TestServer;
  let dir: string;
  let ca: string;
  before(async () => {
    plain = await createTestServer({ handler: echo });
    secure = await createTestServer({
      secure: true,
      hostname: 'chat.example.test',
      handler: echo,
      headers: { 'X-Room': 'lobby' },
    });
    dir = mkdtempSync(join(tmpdir(), 'wxsocket-cli-connect-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, secure.certificates!.caPem);
  });
  after(async () => {
    await Promise.all([plain.close(), secure.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('sends text and binary after open, waits for the echoes, closes with 1000 and exits 0', async () => {
    const result = await runCli([
      'connect',
      plain.url,
      '--json',
      '--send',
      'hello',
      '--send',
      '/binary de ad be ef',
      '--wait',
      '2',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.deepEqual(
      named(entries, 'task.onMessage').map((entry) => entry.payload),
      [{ data: 'hello' }, { data: { type: 'ArrayBuffer', byteLength: 4, hex: 'deadbeef' } }],
    );
    assert.deepEqual(named(entries, 'task.send.success').length, 2);
    assert.deepEqual(named(entries, 'task.onClose')[0]!.payload, { code: 1000, reason: '' });
    const sent = entries.filter((entry) => entry.type === 'call').map((entry) => entry.name);
    assert.deepEqual(sent, ['wx.connectSocket', 'task.send', 'task.send', 'task.close']);
  });

  test('sends --header and --protocol in the handshake, with the Referer WeChat sends', async () => {
    const result = await runCli([
      'connect',
      plain.url,
      '--header',
      'X-Token: abc',
      '--protocol',
      'chat',
      '--protocol',
      'chat.v2',
      '--wait',
      '0',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const handshake = plain.handshakes.at(-1)!;
    assert.equal(handshake.headers['x-token'], 'abc');
    assert.deepEqual(handshake.protocols, ['chat', 'chat.v2']);
    assert.equal(handshake.headers['referer'], 'https://servicewechat.com/touristappid/devtools/page-frame.html');
    assert.match(result.stdout, /"Sec-WebSocket-Protocol": "chat"/);
  });

  test('wss with --ca, --resolve and --domain on profile ios: the open header, socketTaskId, exit 0', async () => {
    const url = `wss://chat.example.test:${secure.port}/room`;
    const result = await runCli([
      'connect',
      url,
      '--ca',
      ca,
      '--resolve',
      'chat.example.test:127.0.0.1',
      '--domain',
      'chat.example.test',
      '--platform',
      'ios',
      '--json',
      '--send',
      'hi',
      '--wait',
      '1',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.match(
      entries[0]!.text!,
      /^WeChat on iOS, base library \d+\.\d+\.\d+, domain check on: chat\.example\.test$/,
    );
    assert.deepEqual(named(entries, 'wx.connectSocket.success')[0]!.payload, {
      errMsg: 'connectSocket:ok',
      socketTaskId: 1,
    });
    const open = named(entries, 'task.onOpen')[0]!.payload as {
      header: Record<string, string>;
      profile: Record<string, number>;
    };
    assert.equal(open.header['X-Room'], 'lobby');
    assert.equal(typeof open.profile['cost'], 'number');
    assert.deepEqual(named(entries, 'task.onMessage')[0]!.payload, { data: 'hi' });
  });

  test('--sdk below 1.7.0 uses the global API, which is all that version has', async () => {
    const result = await runCli(['connect', plain.url, '--sdk', '1.6.0', '--json', '--send', 'old', '--wait', '1']);
    assert.equal(result.code, 0, result.stderr);
    const names = (jsonLines(result.stdout) as Entry[])
      .filter((entry) => entry.type !== 'note')
      .map((entry) => entry.name);
    assert.deepEqual(names, [
      'wx.connectSocket',
      'wx.connectSocket.success',
      'wx.onSocketOpen',
      'wx.sendSocketMessage',
      'wx.sendSocketMessage.success',
      'wx.onSocketMessage',
      'wx.closeSocket',
      'wx.closeSocket.success',
      'wx.onSocketClose',
    ]);
  });

  test('§5 a URL outside --domain: onError alone, no network, the reason, exit 1', async () => {
    const before = secure.connectionCount;
    const result = await runCli([
      'connect',
      `wss://localhost:${secure.port}`,
      '--domain',
      'chat.example.test',
      '--json',
    ]);
    assert.equal(result.code, 1);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.deepEqual(named(entries, 'task.onError')[0]!.payload, {
      errMsg: 'fail:url not in domain list',
      errCode: 1004,
    });
    assert.equal(named(entries, 'task.onClose').length, 0);
    assert.ok(entries.some((entry) => entry.text === 'the domain check refused the URL: host localhost is localhost'));
    assert.equal(secure.connectionCount, before);
  });

  test('§2 §9.2 an untrusted certificate (no --ca): onError code:8 then onClose 1006, a pointer to doctor, exit 1', async () => {
    const result = await runCli(['connect', `wss://localhost:${secure.port}`]);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /task\.onError +\{\s*errMsg: "open fail: _code:8,_msg:TLS handshake failed",\s*errCode: 1004\s*\}/,
    );
    assert.match(result.stdout, /task\.onClose +\{code: 1006, reason: "abnormal closure"\}/);
    assert.match(result.stdout, /the connection failed: run wxsocket doctor wss:\/\/localhost:\d+ to find out why/);
  });

  test('§2 an HTTP status instead of 101: onError code:20, exit 1', async () => {
    const server = await createTestServer({ fault: { type: 'http-status', status: 500 } });
    try {
      const result = await runCli(['connect', server.url, '--platform', 'ios', '--json']);
      assert.equal(result.code, 1);
      const entries = jsonLines(result.stdout) as Entry[];
      assert.deepEqual(named(entries, 'task.onError')[0]!.payload, {
        errMsg: 'exception onOpen fail code:20, msg:Invalid HTTP status.',
      });
      assert.deepEqual(named(entries, 'task.onClose')[0]!.payload, { code: 1006, reason: 'abnormal closure' });
    } finally {
      await server.close();
    }
  });

  test('§1 --timeout bounds the handshake: onError code:9, exit 1', async () => {
    const server = await createTestServer({ fault: { type: 'no-upgrade-response' } });
    try {
      const result = await runCli(['connect', server.url, '--timeout', '300', '--send', 'never']);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /open fail: _code:9,_msg:Timer Expired/);
    } finally {
      await server.close();
    }
  });

  test('--wait unmet before --timeout: says how many arrived, closes, exit 1', async () => {
    const silent = await createTestServer();
    try {
      const result = await runCli(['connect', silent.url, '--send', 'anyone?', '--wait', '1', '--timeout', '300']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /timed out after 300 ms: 0 of 1 messages arrived \(--wait\)/);
      assert.match(result.stdout, /task\.onClose +\{code: 1000, reason: ""\}/);
    } finally {
      await silent.close();
    }
  });

  test('a connection dropped after open: onClose 1006, exit 1', async () => {
    const dropping = await createTestServer({ fault: { type: 'drop' } });
    try {
      const result = await runCli(['connect', dropping.url, '--wait', '1']);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /task\.onClose +\{code: 1006, reason: "abnormal closure"\}/);
      assert.match(result.stderr, /the connection ended after 0 of 1 messages/);
    } finally {
      await dropping.close();
    }
  });

  test('--deflate offers permessage-deflate (perMessageDeflate: true) and the open header shows it accepted', async () => {
    const deflating = await createTestServer({ handler: echo, perMessageDeflate: true });
    try {
      const offered = await runCli(['connect', deflating.url, '--deflate', '--json', '--wait', '0']);
      assert.equal(offered.code, 0, offered.stderr);
      const open = named(jsonLines(offered.stdout) as Entry[], 'task.onOpen')[0]!.payload as {
        header: Record<string, string>;
      };
      assert.match(open.header['Sec-WebSocket-Extensions'] ?? '', /^permessage-deflate/);
      const plainRun = await runCli(['connect', deflating.url, '--json', '--wait', '0']);
      const plainOpen = named(jsonLines(plainRun.stdout) as Entry[], 'task.onOpen')[0]!.payload as {
        header: Record<string, string>;
      };
      assert.equal(plainOpen.header['Sec-WebSocket-Extensions'], undefined);
    } finally {
      await deflating.close();
    }
  });

  test('a header wx.connectSocket refuses: its fail, exit 2', async () => {
    const result = await runCli(['connect', plain.url, '--header', 'Bad Name: x']);
    assert.equal(result.code, 2);
    // A parameter error carries errno 1001 (§9.1), so the result is printed over several lines.
    assert.match(
      result.stdout,
      /wx\.connectSocket\.fail +\{\s*errMsg: "connectSocket:fail parameter error: header \\"Bad Name\\" has an invalid name",\s*errno: 1001\s*\}/,
    );
  });
});

describe('wxsocket connect, the REPL driven through stdin', () => {
  let server: TestServer;
  before(async () => {
    server = await createTestServer({ handler: echo });
  });
  after(() => server.close());

  test('a line sends text, /binary sends bytes, a refused /close keeps the socket, /close code reason ends it', async () => {
    const cli = startCli(['connect', server.url]);
    await cli.waitFor(/task\.onOpen/);
    const client = await server.nextConnection();
    cli.write('hello there\n');
    await cli.waitFor(/task\.onMessage +\{data: "hello there"\}/);
    cli.write('/binary 01 02 03\n');
    await cli.waitFor(/task\.onMessage +\{data: ArrayBuffer\(3\) <01 02 03>\}/);
    cli.write('//slash\n');
    await cli.waitFor(/task\.onMessage +\{data: "\/slash"\}/);
    cli.write('/close 999\n');
    await cli.waitFor(
      /task\.close\.fail +\{errMsg: "closeSocket:fail The code must be either 1000, or between 3000 and 4999"\}/,
    );
    cli.write('still open\n');
    await cli.waitFor(/task\.onMessage +\{data: "still open"\}/);
    cli.write('/close 4001 see you\n');
    const result = await cli.exited();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /task\.onClose +\{code: 4001, reason: "see you"\}/);
    assert.deepEqual(await client.waitForClose(), { code: 4001, reason: 'see you' });
    assert.deepEqual(
      client.messages.map((message) => (message.binary ? [...(message.data as Buffer)] : message.data)),
      ['hello there', [1, 2, 3], '/slash', 'still open'],
    );
  });

  test('bad input is explained on stderr and nothing is sent; the end of input closes with 1000', async () => {
    const cli = startCli(['connect', server.url]);
    await cli.waitFor(/task\.onOpen/);
    const client = await server.nextConnection();
    cli.write('/binary xyz\n/frobnicate\n/close soon\n/help\n');
    await cli.waitFor(/\/quit/, 10_000, 'stderr');
    cli.write('last\n');
    cli.end();
    const result = await cli.exited();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\/binary wants hex bytes/);
    assert.match(result.stderr, /unknown command \/frobnicate: \/help lists the commands/);
    assert.match(result.stderr, /\/close wants a numeric code first/);
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
    assert.deepEqual(
      client.messages.map((message) => message.data),
      ['last'],
    );
  });

  test('/quit closes with 1000 and exits 0; --json lines stay JSON', async () => {
    const cli = startCli(['connect', server.url, '--json']);
    await cli.waitFor(/"task\.onOpen"/);
    const client = await server.nextConnection();
    cli.write('/quit\n');
    const result = await cli.exited();
    assert.equal(result.code, 0, result.stderr);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.deepEqual(entries.at(-1), {
      ...entries.at(-1),
      type: 'listener',
      name: 'task.onClose',
      payload: { code: 1000, reason: '' },
    });
    assert.deepEqual(await client.waitForClose(), { code: 1000, reason: '' });
  });

  test('the server closing ends the session with its code and reason, exit 0', async () => {
    const cli = startCli(['connect', server.url]);
    await cli.waitFor(/task\.onOpen/);
    const client = await server.nextConnection();
    await client.close(4002, 'server says bye');
    const result = await cli.exited();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /task\.onClose +\{code: 4002, reason: "server says bye"\}/);
  });
});

describe('wxsocket connect, the phone (§8): what the server sees when a user switches apps or networks', () => {
  let server: TestServer;
  before(async () => {
    server = await createTestServer({ handler: echo });
  });
  after(() => server.close());

  test('/suspend closes the socket at once (the server sees 1000), nothing is delivered until /show, then onClose "interrupted"', async () => {
    const cli = startCli(['connect', server.url, '--json']);
    await cli.waitFor(/"task\.onOpen"/);
    const client = await server.nextConnection();
    cli.write('/suspend\n');
    assert.equal((await client.waitForClose()).code, 1000);
    await cli.waitFor(/"wx\.onAppHide"/);
    assert.doesNotMatch(cli.stdout, /task\.onClose/, 'a suspended app receives nothing');
    cli.write('/show\n');
    const result = await cli.exited();
    assert.equal(result.code, 0, result.stderr);
    const names = (jsonLines(result.stdout) as Entry[])
      .filter((entry) => entry.type !== 'note')
      .map((entry) => entry.name);
    assert.deepEqual(names.slice(names.indexOf('phone.suspend')), [
      'phone.suspend',
      'wx.onAppHide',
      'phone.show',
      'wx.onAppShow',
      'task.onClose',
    ]);
    assert.deepEqual(named(jsonLines(result.stdout) as Entry[], 'task.onClose')[0]!.payload, {
      code: 1000,
      reason: 'interrupted',
    });
  });

  for (const [line, status, error] of [
    ['/network 4g', { isConnected: true, networkType: '4g' }, /abnormal closure/],
    ['/offline', { isConnected: false, networkType: 'none' }, /network is down/],
  ] as const) {
    test(`${line}: onNetworkStatusChange, then onError and onClose 1006; the server sees the connection drop; exit 1`, async () => {
      const connection = server.nextConnection();
      const result = await runCli(['connect', server.url, '--json', '--send', line]);
      assert.equal(result.code, 1, result.stderr);
      const entries = jsonLines(result.stdout) as Entry[];
      assert.deepEqual(named(entries, 'wx.onNetworkStatusChange')[0]!.payload, status);
      assert.match(String(named(entries, 'task.onError')[0]!.payload!['errMsg']), error);
      assert.equal(named(entries, 'task.onClose')[0]!.payload!['code'], 1006);
      assert.equal((await (await connection).waitForClose()).code, 1006);
    });
  }

  test('/weak and /strong: onNetworkWeakChange each way, and messages still go through the weak link', async () => {
    const result = await runCli([
      'connect',
      server.url,
      '--json',
      ...['--send', '/weak 40 64000', '--send', 'through the weak link', '--send', '/strong', '--wait', '1'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.deepEqual(named(entries, 'phone.weaken')[0]!.payload, { latency: 40, bandwidth: 64000 });
    assert.deepEqual(
      named(entries, 'wx.onNetworkWeakChange').map((entry) => entry.payload!['weakNet']),
      [true, false],
    );
    assert.deepEqual(named(entries, 'task.onMessage')[0]!.payload, { data: 'through the weak link' });
  });

  test('/help lists the typed commands in the words of connect --help, one line each', async () => {
    const [help, typed] = await Promise.all([
      runCli(['connect', '--help']),
      runCli(['connect', server.url, '--send', '/help']),
    ]);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(typed.code, 0, typed.stderr);
    const commandLines = (text: string): string[] => text.split('\n').filter((line) => /^ {2}\/{1,2}[a-z]/.test(line));
    const listed = commandLines(help.stdout);
    assert.ok(listed.length >= 12, `connect --help lists the commands: ${listed.join('\n')}`);
    assert.deepEqual(commandLines(typed.stderr), listed);
  });

  test('bad phone commands are explained on stderr and change nothing; /help lists the phone commands', async () => {
    const result = await runCli([
      'connect',
      server.url,
      '--json',
      ...['--send', '/network 6g', '--send', '/weak fast', '--send', '/hide soon', '--send', '/help'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\/network wants one of wifi, 2g, 3g, 4g, 5g, unknown, e\.g\. \/network 4g/);
    assert.match(result.stderr, /\/weak wants a latency in ms/);
    assert.match(result.stderr, /\/hide wants the milliseconds before the suspension/);
    for (const command of ['/hide', '/show', '/suspend', '/network <type>', '/offline', '/weak <ms>', '/strong'])
      assert.ok(result.stderr.includes(command), `/help lists ${command}`);
    const entries = jsonLines(result.stdout) as Entry[];
    assert.deepEqual(
      entries.filter((entry) => entry.name?.startsWith('phone.')),
      [],
    );
  });
});
