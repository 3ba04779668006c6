// `wxsocket doctor`: every check against local servers with good and bad certificates and handshakes. Each
// failure must be named exactly (the code in `checks[].code`), with exit code 1; a healthy endpoint exits 0.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import {
  createTestCertificates,
  createTestServer,
  echo,
  type TestServer,
  type TestServerOptions,
} from '../../src/testing/index.js';
import { buildCli, runCli } from './cli-helpers.js';

before(buildCli);

const HOST = 'chat.example.test';

interface Check {
  id: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
  remedy?: string;
  code?: string;
}
interface DoctorReport {
  url: string;
  ok: boolean;
  counts: Record<string, number>;
  checks: Check[];
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxsocket-cli-doctor-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs doctor with --json; returns the exit code and the checks by id. */
async function doctor(
  args: string[],
): Promise<{ code: number | null; report: DoctorReport; check: (id: string) => Check }> {
  const result = await runCli(['doctor', ...args, '--json']);
  assert.equal(result.stderr, '');
  const report = JSON.parse(result.stdout) as DoctorReport;
  const check = (id: string): Check => {
    const found = report.checks.find((entry) => entry.id === id);
    assert.ok(found, `no check ${id} in ${result.stdout}`);
    return found;
  };
  return { code: result.code, report, check };
}

/** A wss test server under HOST, and the doctor arguments that reach and trust it. */
async function withServer(
  options: TestServerOptions,
  run: (args: string[], port: number, server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await createTestServer({ secure: true, hostname: HOST, handler: echo, ...options });
  const ca = join(dir, `ca-${server.port}.pem`);
  writeFileSync(ca, server.certificates!.caPem);
  try {
    await run(
      [`wss://${HOST}:${server.port}/ws`, '--ca', ca, '--resolve', `${HOST}:127.0.0.1`, '--domain', HOST],
      server.port,
      server,
    );
  } finally {
    await server.close();
  }
}

describe('wxsocket doctor on a healthy endpoint', () => {
  test('every check passes or warns (a test CA, a one-day certificate), ok, exit 0', async () => {
    await withServer({ perMessageDeflate: true }, async (args) => {
      const { code, report, check } = await doctor([...args, '--protocol', 'chat', '--message', 'hello']);
      assert.equal(code, 0);
      assert.equal(report.ok, true);
      assert.deepEqual(
        report.checks.map((entry) => [entry.id, entry.status]),
        [
          ['scheme', 'pass'],
          ['host', 'pass'],
          ['domain', 'pass'],
          ['dns', 'pass'],
          ['tcp', 'pass'],
          ['tls-version', 'pass'],
          ['certificate-trust', 'warn'],
          ['certificate-chain', 'pass'],
          ['certificate-host', 'pass'],
          ['certificate-expiry', 'warn'],
          ['upgrade', 'pass'],
          ['subprotocol', 'pass'],
          ['deflate', 'pass'],
          ['handshake', 'pass'],
          ['round-trip', 'pass'],
          ['close', 'pass'],
        ],
      );
      assert.match(check('dns').detail, /mapped by --resolve to 127\.0\.0\.1/);
      assert.match(check('tls-version').detail, /^TLSv1\.[23] /);
      assert.match(
        check('certificate-trust').detail,
        /trusted only through --ca \("wxsocket test CA"\): phones do not trust it/,
      );
      assert.match(check('certificate-chain').detail, /^complete: "localhost" ← "wxsocket test CA" \(root\)$/);
      assert.equal(check('certificate-host').detail, `covers ${HOST}`);
      assert.match(check('certificate-expiry').detail, /^expires in \d+ hours?, on \d{4}-\d\d-\d\d/);
      assert.match(check('upgrade').detail, /^101 Switching Protocols in /);
      assert.equal(check('subprotocol').detail, 'echoed "chat"');
      assert.match(check('deflate').detail, /^negotiated \(permessage-deflate/);
      assert.match(check('round-trip').detail, /^answered in .*: "hello"$/);
      assert.match(check('close').detail, /^onClose \{code: 1000\} /);
    });
  });

  test('the report for people: one line per check, fixes under warnings, the verdict', async () => {
    await withServer({}, async (args) => {
      const result = await runCli(['doctor', ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`^wxsocket doctor wss://${HOST}:\\d+/ws  \\(android, base library \\d+\\.\\d+\\.\\d+\\)$`, 'm'),
      );
      assert.match(result.stdout, /^ {2}pass {2}TLS version {13}TLSv1\.[23] in /m);
      assert.match(
        result.stdout,
        /^ {2}warn {2}certificate trusted .*\n {32}fix: in production, use a certificate from a public CA/m,
      );
      assert.match(result.stdout, /^ {2}skip {2}subprotocol echo +none requested/m);
      assert.match(result.stdout, /✓ WeChat can connect \(2 warnings: read them before deploying\)\.\n$/);
    });
  });
});

describe('wxsocket doctor names the exact problem and exits 1', () => {
  test('untrusted CA: certificate-trust fails with UNABLE_TO_VERIFY_LEAF_SIGNATURE, and WeChat reports code:2', async () => {
    await withServer({ fault: { type: 'untrusted-certificate' } }, async (args) => {
      const { code, report, check } = await doctor(args);
      assert.equal(code, 1);
      assert.equal(report.ok, false);
      assert.deepEqual(check('certificate-trust'), {
        id: 'certificate-trust',
        status: 'fail',
        detail: 'untrusted CA: "localhost" was issued by "untrusted test CA", which no trust store holds',
        remedy: "use a certificate from a public CA (e.g. Let's Encrypt); for a test server, pass its CA with --ca",
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
      assert.equal(check('certificate-chain').status, 'warn');
      assert.equal(check('certificate-host').status, 'pass');
      assert.equal(check('handshake').status, 'fail');
      assert.match(check('handshake').detail, /WeChat reports onError "open fail: _code:8,_msg:TLS handshake failed"/);
      assert.equal(check('round-trip').status, 'skip');
    });
  });

  test('an untrusted certificate: the --header values never reach the server, and the upgrade check says so', async () => {
    const server = await createTestServer({ secure: true, hostname: HOST, handler: echo });
    server.setFault({ type: 'untrusted-certificate' });
    try {
      const { check } = await doctor([
        `wss://${HOST}:${server.port}/ws`,
        '--resolve',
        `${HOST}:127.0.0.1`,
        '--header',
        'Authorization: Bearer s3cret',
        '--header',
        'X-Api-Key: k3y',
      ]);
      assert.equal(check('certificate-trust').status, 'fail');
      assert.ok(server.handshakes.length > 0, 'the upgrade probe still reached the server');
      for (const request of server.handshakes) {
        assert.equal(request.headers['authorization'], undefined, 'Authorization sent over an unverified connection');
        assert.equal(request.headers['x-api-key'], undefined, 'X-Api-Key sent over an unverified connection');
      }
      assert.match(
        check('upgrade').detail,
        /sent without the --header values \(Authorization, X-Api-Key\): TLS failed the checks above/,
      );
    } finally {
      await server.close();
    }
  });

  test('a TLS 1.1 server with a trusted certificate does not get the --header values either', async () => {
    const { certPem, keyPem, caPem } = createTestCertificates({ hostnames: [HOST] });
    const received: string[] = [];
    const sockets = new Set<TLSSocket>();
    const server = createTlsServer(
      { cert: certPem, key: keyPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' },
      (socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
        socket.setEncoding('utf8').once('data', (request: string) => {
          received.push(request);
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ca = join(dir, 'old-trusted-ca.pem');
    writeFileSync(ca, caPem);
    try {
      const port = (server.address() as AddressInfo).port;
      const { check } = await doctor([
        `wss://${HOST}:${port}/`,
        ...['--resolve', `${HOST}:127.0.0.1`, '--ca', ca, '--timeout', '2000'],
        ...['--header', 'Authorization: Bearer s3cret'],
      ]);
      assert.equal(check('tls-version').code, 'TLS_VERSION_TOO_OLD');
      assert.equal(received.length, 1, 'the upgrade probe reached the server once');
      assert.doesNotMatch(received[0]!, /authorization|s3cret/i);
      assert.match(check('upgrade').detail, /sent without the --header values \(Authorization\)/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a verified certificate: the upgrade probe and the wx connection both carry the --header values', async () => {
    await withServer({}, async (args, _port, server) => {
      const { check } = await doctor([...args, '--header', 'Authorization: Bearer s3cret']);
      assert.equal(check('upgrade').status, 'pass');
      assert.doesNotMatch(check('upgrade').detail, /without/);
      assert.deepEqual(
        server.handshakes.map((request) => request.headers['authorization']),
        ['Bearer s3cret', 'Bearer s3cret'],
      );
    });
  });

  test('wrong host: certificate-host fails with ERR_TLS_CERT_ALTNAME_INVALID and names the certificate’s host', async () => {
    await withServer({ fault: { type: 'wrong-host-certificate' } }, async (args) => {
      const { code, check } = await doctor(args);
      assert.equal(code, 1);
      assert.equal(check('certificate-host').status, 'fail');
      assert.equal(check('certificate-host').code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(
        check('certificate-host').detail,
        `wrong host: the certificate is for wrong-host.invalid, not ${HOST}`,
      );
      assert.equal(check('certificate-trust').status, 'warn', 'the chain itself is trusted (through --ca)');
    });
  });

  test('expired: certificate-expiry fails with CERT_HAS_EXPIRED and the date', async () => {
    await withServer({ fault: { type: 'expired-certificate' } }, async (args) => {
      const { code, check } = await doctor(args);
      assert.equal(code, 1);
      assert.equal(check('certificate-expiry').status, 'fail');
      assert.equal(check('certificate-expiry').code, 'CERT_HAS_EXPIRED');
      assert.match(check('certificate-expiry').detail, /^expired on \d{4}-\d\d-\d\d, \d+ (day|hour)s? ago$/);
      assert.equal(check('certificate-trust').status, 'warn', 'an expired certificate says nothing against its issuer');
    });
  });

  test('no 101: upgrade fails with the HTTP status, later handshake checks are skipped', async () => {
    await withServer({ fault: { type: 'http-status', status: 403 } }, async (args) => {
      const { code, check } = await doctor(args);
      assert.equal(code, 1);
      assert.equal(check('upgrade').code, 'HTTP_403');
      assert.match(
        check('upgrade').detail,
        /^the server answered HTTP 403 Forbidden, not 101 Switching Protocols: the server refused the request$/,
      );
      assert.match(check('upgrade').remedy!, /Referer https:\/\/servicewechat\.com/);
      assert.equal(check('subprotocol').status, 'skip');
      assert.equal(check('deflate').status, 'skip');
      assert.match(check('handshake').detail, /_code:20,_msg:Invalid HTTP status\./);
    });
  });

  test('a redirect: upgrade fails with HTTP_301 and says WeChat does not follow it', async () => {
    await withServer(
      { fault: { type: 'http-status', status: 301, headers: { Location: 'wss://elsewhere.example/ws' } } },
      async (args) => {
        const { check } = await doctor(args);
        assert.equal(check('upgrade').code, 'HTTP_301');
        assert.match(check('upgrade').detail, /a redirect to wss:\/\/elsewhere\.example\/ws/);
        assert.match(check('upgrade').remedy!, /WeChat does not follow redirects/);
      },
    );
  });

  test('no subprotocol echo: subprotocol fails with NO_SUBPROTOCOL_ECHO, and WeChat reports code:20', async () => {
    await withServer({ selectProtocol: () => false }, async (args) => {
      const { code, check } = await doctor([...args, '--protocol', 'mqtt']);
      assert.equal(code, 1);
      assert.equal(check('upgrade').status, 'pass');
      assert.equal(check('subprotocol').code, 'NO_SUBPROTOCOL_ECHO');
      assert.match(check('subprotocol').detail, /requested "mqtt", but the 101 has no Sec-WebSocket-Protocol/);
      assert.match(check('handshake').detail, /code:20/);
    });
  });

  test('a subprotocol that was not requested: subprotocol fails with UNREQUESTED_SUBPROTOCOL', async () => {
    await withServer({ fault: { type: 'unrequested-protocol', protocol: 'v9' } }, async (args) => {
      const { check } = await doctor(args);
      assert.equal(check('subprotocol').code, 'UNREQUESTED_SUBPROTOCOL');
      assert.match(check('subprotocol').detail, /selected "v9" although none was requested/);
    });
  });

  test('a wrong Sec-WebSocket-Accept: upgrade fails with BAD_ACCEPT', async () => {
    await withServer({ fault: { type: 'bad-accept' } }, async (args) => {
      const { check } = await doctor(args);
      assert.equal(check('upgrade').code, 'BAD_ACCEPT');
    });
  });

  test('an upgrade never answered: upgrade fails with ETIMEDOUT, WeChat reports code:9', async () => {
    await withServer({ fault: { type: 'no-upgrade-response' } }, async (args) => {
      const { code, check } = await doctor([...args, '--timeout', '500']);
      assert.equal(code, 1);
      assert.equal(check('upgrade').code, 'ETIMEDOUT');
      assert.match(check('upgrade').detail, /never answered/);
      assert.match(check('handshake').detail, /_code:9,_msg:Timer Expired/);
    });
  });

  test('a URL outside --domain: domain fails with URL_NOT_IN_DOMAIN_LIST and the reason', async () => {
    await withServer({}, async (args) => {
      const { code, check } = await doctor([...args.slice(0, -1), 'other.example.test']);
      assert.equal(code, 1);
      assert.equal(check('domain').code, 'URL_NOT_IN_DOMAIN_LIST');
      assert.match(check('domain').detail, new RegExp(`host ${HOST.replace(/\./g, '\\.')} is not in the domain list`));
      assert.equal(check('handshake').status, 'pass', 'the other checks still run');
    });
  });

  test('ws:// on an IP address: scheme and host fail, the TLS checks are skipped, the rest still runs', async () => {
    const server = await createTestServer({ handler: echo });
    try {
      const { code, check } = await doctor([server.url]);
      assert.equal(code, 1);
      assert.equal(check('scheme').code, 'NOT_WSS');
      assert.equal(check('host').code, 'IP_ADDRESS');
      assert.equal(check('dns').status, 'skip');
      for (const id of [
        'tls-version',
        'certificate-trust',
        'certificate-chain',
        'certificate-host',
        'certificate-expiry',
      ]) {
        assert.deepEqual([id, check(id).status, check(id).detail], [id, 'skip', 'ws:// has no TLS']);
      }
      assert.equal(check('upgrade').status, 'pass');
      assert.equal(check('round-trip').status, 'pass');
      assert.equal(check('close').status, 'pass');
    } finally {
      await server.close();
    }
  });

  test('nothing listening: tcp fails with ECONNREFUSED and every later check is skipped', async () => {
    const server = await createTestServer();
    const port = server.port;
    await server.close();
    const { code, report, check } = await doctor([`wss://${HOST}:${port}/`, '--resolve', `${HOST}:127.0.0.1`]);
    assert.equal(code, 1);
    assert.equal(check('tcp').code, 'ECONNREFUSED');
    assert.match(check('tcp').detail, /refused: nothing listens on that port/);
    const after = report.checks.slice(report.checks.findIndex((entry) => entry.id === 'tcp') + 1);
    assert.ok(after.length > 0 && after.every((entry) => entry.status === 'skip'));
  });

  test('TLS 1.1 only: tls-version fails with TLS_VERSION_TOO_OLD', async () => {
    const { certPem, keyPem, caPem } = createTestCertificates({ hostnames: [HOST] });
    const sockets = new Set<TLSSocket>();
    const server = createTlsServer(
      { cert: certPem, key: keyPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' },
      (socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
        // Not a WebSocket server: any request gets a 400.
        socket.once('data', () =>
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
        );
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ca = join(dir, 'old-ca.pem');
    writeFileSync(ca, caPem);
    try {
      const port = (server.address() as AddressInfo).port;
      const { code, check } = await doctor([
        `wss://${HOST}:${port}/`,
        '--resolve',
        `${HOST}:127.0.0.1`,
        '--ca',
        ca,
        '--timeout',
        '2000',
      ]);
      assert.equal(code, 1);
      assert.equal(check('tls-version').code, 'TLS_VERSION_TOO_OLD');
      assert.equal(check('tls-version').detail, 'TLSv1.1 negotiated: WeChat needs TLS 1.2 or newer');
      assert.equal(check('upgrade').code, 'HTTP_400');
      assert.match(
        check('handshake').detail,
        /_code:8,_msg:TLS handshake failed/,
        'the wx connection requires TLS 1.2',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('the report for people names the problem, its fix and the verdict', async () => {
    await withServer({ fault: { type: 'wrong-host-certificate' } }, async (args) => {
      const result = await runCli(['doctor', ...args]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^ {2}fail {2}certificate host name {3}ERR_TLS_CERT_ALTNAME_INVALID: wrong host: /m);
      assert.match(result.stdout, /fix: use a certificate whose subjectAltName lists DNS:chat\.example\.test/);
      assert.match(result.stdout, /✗ WeChat will not connect: 2 checks failed \(certificate-host, handshake\)/);
    });
  });
});

/** A terminal for an in-process run: each write is kept with what the server had seen by then. */
function terminal(seen: () => number): { io: Io; writes: Array<{ text: string; handshakes: number }> } {
  const writes: Array<{ text: string; handshakes: number }> = [];
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        writes.push({ text: chunk.toString(), handshakes: seen() });
        done();
      },
    }),
    { isTTY: true, columns: 100 },
  );
  const stderr = new Writable({ write: (_chunk, _encoding, done) => done() });
  return { io: { stdin: Readable.from([]), stdout, stderr, env: { NO_COLOR: '1' } }, writes };
}

describe('wxsocket doctor on a terminal', () => {
  test('shows each check as it is known and the step under way, before the server has answered anything', async () => {
    await withServer({ fault: { type: 'no-upgrade-response' } }, async (args, _port, server) => {
      const { io, writes } = terminal(() => server.handshakeCount);
      const code = await main(['doctor', ...args, '--timeout', '1500'], io);
      assert.equal(code, 1);
      const tcp = writes.find((write) => /^ {2}pass {2}TCP connection/m.test(write.text));
      assert.ok(tcp, 'no TCP line');
      assert.equal(tcp.handshakes, 0, 'the TCP line waited for the upgrade request');
      const waiting = writes.find((write) => /upgrade: waiting for the answer to the upgrade request/.test(write.text));
      assert.ok(waiting, 'no status line for the upgrade');
      assert.ok(writes.indexOf(waiting) > writes.indexOf(tcp));
      // The status line is erased: what is left on screen is the report itself.
      let screen = '';
      for (const write of writes) {
        const [first = '', ...erased] = write.text.split('\r\u001b[2K');
        screen += first;
        for (const part of erased) screen = screen.slice(0, screen.lastIndexOf('\n') + 1) + part;
      }
      assert.doesNotMatch(screen, /waiting for the answer/);
      assert.match(screen, /^ {2}fail {2}upgrade \(101\) +ETIMEDOUT: /m);
      assert.match(screen, /\n✗ WeChat will not connect: 2 checks failed \(upgrade, handshake\)/);
    });
  });

  test('--json on a terminal prints the JSON report alone, at the end', async () => {
    await withServer({}, async (args, _port, server) => {
      const { io, writes } = terminal(() => server.handshakeCount);
      assert.equal(await main(['doctor', ...args, '--json'], io), 0);
      assert.equal(writes.length, 1);
      assert.equal((JSON.parse(writes[0]!.text) as DoctorReport).ok, true);
    });
  });
});

describe('wxsocket doctor explains itself to a newcomer', () => {
  test('a localhost URL: the host check says what localhost is on a phone; DNS has no address to publish', async () => {
    const server = await createTestServer({ secure: true, handler: echo });
    try {
      const { check } = await doctor([`wss://localhost:${server.port}/`]);
      assert.equal(check('host').code, 'LOCALHOST');
      assert.equal(
        check('host').detail,
        'localhost always names the device itself (on a phone, the phone), and it cannot be a legal socket domain',
      );
      assert.match(check('host').remedy!, /--resolve <name>:127\.0\.0\.1/);
      assert.doesNotMatch(JSON.stringify(check('dns')), /publish/);
      assert.match(check('dns').detail, /\(this computer\)$/);
    } finally {
      await server.close();
    }
  });

  test('without --domain the domain check is skipped, and the report says how to run it', async () => {
    await withServer({}, async (args) => {
      const { check } = await doctor(args.slice(0, -2));
      assert.equal(check('domain').status, 'skip');
      assert.match(check('domain').detail, /^no --domain given/);
    });
  });
});
