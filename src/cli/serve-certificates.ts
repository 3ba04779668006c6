/**
 * The certificates of `wxsocket serve --tls`: a CA and a server certificate from the test kit, with the CA written to
 * `ca.pem` for clients to trust. With `--cert-dir`, the server's certificate and key are kept beside it and served
 * again by the next `serve` on that folder, so a restart is the same server to clients that trust `ca.pem` (a
 * reconnect storm after a restart, docs/load-testing.md), as long as they still fit: issued by that CA, valid now,
 * for every name asked. Otherwise new ones replace them. The CA's own key is never written.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestCertificates, type TestCertificates } from '../testing/index.js';
import { systemReason } from '../values.js';
import { UsageError } from './args.js';

interface ServeCertificates {
  /** Where `ca.pem` is. */
  readonly caPath: string;
  readonly cert: string;
  readonly key: string;
  /** Removes the folder when it is a temporary one of ours. */
  readonly cleanup: () => void;
}

const FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

/** The certificates for `hostnames` (besides localhost and the loopback addresses), kept in `certDir` if given. */
export function serveCertificates(hostnames: readonly string[], certDir: string | undefined): ServeCertificates {
  const names = ['localhost', '127.0.0.1', '::1', ...hostnames];
  const dir = certDir === undefined ? mkdtempSync(join(tmpdir(), 'wxsocket-serve-')) : resolve(certDir);
  const kept = certDir === undefined ? undefined : readKept(dir, names);
  const { caPem, certPem, keyPem } = kept ?? createTestCertificates({ hostnames: names });
  if (kept === undefined) {
    try {
      if (certDir !== undefined) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, FILES.ca), caPem);
      if (certDir !== undefined) {
        writeFileSync(join(dir, FILES.cert), certPem);
        // The server's key, readable by its owner only: with the CA it lets one impersonate these names. A file
        // created anew, since `mode` applies only then: one left there may be readable by others.
        const keyPath = join(dir, FILES.key);
        rmSync(keyPath, { force: true });
        writeFileSync(keyPath, keyPem, { mode: 0o600, flag: 'wx' });
      }
    } catch (error) {
      throw new UsageError(
        `--cert-dir ${certDir}: cannot write the certificates there (${systemReason(error)})`,
        'serve',
      );
    }
  }
  // A folder we made is ours to remove; one the user named is kept.
  const cleanup = certDir === undefined ? () => rmSync(dir, { recursive: true, force: true }) : () => undefined;
  return { caPath: join(dir, FILES.ca), cert: certPem, key: keyPem, cleanup };
}

/** The certificates a previous `serve` left in `dir`, if they still fit `names` now; else `undefined`. */
function readKept(dir: string, names: readonly string[]): TestCertificates | undefined {
  try {
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    const kept = { caPem: read(FILES.ca), certPem: read(FILES.cert), keyPem: read(FILES.key) };
    const ca = new X509Certificate(kept.caPem);
    const cert = new X509Certificate(kept.certPem);
    const now = Date.now();
    const fits =
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      Date.parse(cert.validFrom) <= now &&
      now < Date.parse(cert.validTo) &&
      names.every((name) => (isIP(name) === 0 ? cert.checkHost(name) : cert.checkIP(name)) !== undefined) &&
      createPublicKey(createPrivateKey(kept.keyPem)).equals(cert.publicKey);
    return fits ? kept : undefined;
  } catch {
    return undefined; // missing, unreadable or not PEM: new ones replace them
  }
}
