import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { describe, test } from 'node:test';
import { createTestCertificates } from '../../src/testing/index.js';
import { integer, oid, time } from '../../src/testing/der.js';

describe('DER writer', () => {
  test("encodes integers in minimal two's complement form", () => {
    assert.equal(integer(0).toString('hex'), '020100');
    assert.equal(integer(127).toString('hex'), '02017f');
    assert.equal(integer(128).toString('hex'), '02020080');
    assert.equal(integer(256).toString('hex'), '02020100');
    assert.equal(integer(Uint8Array.from([0, 0, 0x80])).toString('hex'), '02020080');
  });

  test('encodes object identifiers with base-128 arcs', () => {
    assert.equal(oid('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
    assert.equal(oid('2.5.29.17').toString('hex'), '0603551d11');
  });

  test('encodes times as UTCTime before 2050 and GeneralizedTime after', () => {
    assert.equal(time(new Date('2030-01-02T03:04:05Z')).toString('latin1').slice(2), '300102030405Z');
    assert.equal(time(new Date('2050-01-02T03:04:05Z')).toString('latin1').slice(2), '20500102030405Z');
  });
});

describe('createTestCertificates', () => {
  test('makes a CA and a server certificate it signed, readable by node:crypto', () => {
    const { caPem, certPem, keyPem } = createTestCertificates();
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(certPem);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.verify(ca.publicKey), true);
    assert.equal(ca.verify(ca.publicKey), true);
    assert.equal(leaf.checkPrivateKey(createPrivateKey(keyPem)), true);
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node reports extendedKeyUsage here: serverAuth
    assert.equal(leaf.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  test('covers the given host names, and is valid from an hour ago for a day by default', () => {
    const started = Date.now();
    const leaf = new X509Certificate(
      createTestCertificates({ hostnames: ['chat.example.test', '10.0.0.1', 'fe80::1'] }).certPem,
    );
    assert.equal(leaf.checkHost('chat.example.test'), 'chat.example.test');
    assert.equal(leaf.checkHost('localhost'), undefined);
    assert.equal(leaf.checkIP('10.0.0.1'), '10.0.0.1');
    assert.equal(leaf.checkIP('fe80::1'), 'fe80::1');
    const from = Date.parse(leaf.validFrom);
    const to = Date.parse(leaf.validTo);
    assert.ok(Math.abs(from - (started - 3_600_000)) < 5_000);
    assert.ok(Math.abs(to - (started + 86_400_000)) < 5_000);
  });

  test('honours notBefore and notAfter', () => {
    const leaf = new X509Certificate(
      createTestCertificates({
        notBefore: new Date('2001-02-03T04:05:06Z'),
        notAfter: new Date('2051-02-03T04:05:06Z'),
      }).certPem,
    );
    assert.equal(new Date(leaf.validFrom).toISOString(), '2001-02-03T04:05:06.000Z');
    assert.equal(new Date(leaf.validTo).toISOString(), '2051-02-03T04:05:06.000Z');
  });

  test('completes a real TLS 1.3 handshake for localhost with only the CA trusted, and fails without it', async () => {
    const { caPem, certPem, keyPem } = createTestCertificates();
    const server = createServer({ cert: certPem, key: keyPem }, (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const good = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: caPem });
      await once(good, 'secureConnect');
      assert.equal(good.authorized, true);
      assert.equal(good.getProtocol(), 'TLSv1.3');
      const [data] = (await once(good, 'data')) as [Buffer];
      assert.equal(data.toString(), 'hello');
      good.destroy();
      const bad: TLSSocket = connect({ port, host: '127.0.0.1', servername: 'localhost' });
      const [error] = (await once(bad, 'error').catch((caught: unknown) => [caught])) as [Error & { code?: string }];
      assert.equal(error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      server.close();
      await once(server, 'close');
    }
  });
});
