/**
 * Test certificates, generated in memory: a CA and server certificates it signs, as X.509 v3 with EC P-256 keys.
 *
 * Nothing is written to disk and nothing is committed: every test server makes fresh ones at start (a restart on
 * the same port keeps the last ones: server.ts). The DER is written by `der.ts`; keys and signatures come from
 * `node:crypto`, which also parses the result back (`X509Certificate`), so a malformed certificate fails loudly in our
 * own tests rather than in a TLS handshake.
 */
import { Buffer } from 'node:buffer';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './der.js';
import { hostNow } from '../node-host.js';
import { firstUnknownKey, unknownOption } from '../option-keys.js';

/** Object identifiers used below (RFC 5280, RFC 5758, RFC 5480). */
const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The names a server certificate covers when none are given. */
export const DEFAULT_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Options of {@link createTestCertificates}. */
export interface TestCertificateOptions {
  /**
   * Host names and IP addresses the server certificate is valid for (its subjectAltName entries).
   * Default: `localhost`, `127.0.0.1`, `::1`.
   */
  hostnames?: readonly string[];
  /** Start of the server certificate's validity. Default: one hour ago (tolerates clock skew). */
  notBefore?: Date;
  /** End of the server certificate's validity. Default: one day from now. */
  notAfter?: Date;
}

/** A test CA and a server certificate it signed, all PEM. */
export interface TestCertificates {
  /** The CA certificate: give it to the client as extra trust (`createWx({tls: {ca: [caPem]}})`). */
  caPem: string;
  /** The server certificate. */
  certPem: string;
  /** The server certificate's private key (PKCS#8). */
  keyPem: string;
}

/** A certificate authority able to sign server certificates. */
export interface CertificateAuthority {
  /** The CA certificate, PEM. */
  readonly certPem: string;
  /** The CA's private key. */
  readonly privateKey: KeyObject;
  /** The CA's subject, DER, to be used as the issuer of what it signs. */
  readonly subject: Buffer;
  /** The CA's key identifier, repeated in the authorityKeyIdentifier of what it signs. */
  readonly keyId: Buffer;
}

/** Options for {@link createCertificateAuthority}. */
interface CertificateAuthorityOptions {
  /** The CA's common name. Default: `wxsocket test CA`. */
  commonName?: string;
}

/**
 * Generates a CA and a server certificate for `hostnames` signed by it, in memory.
 * @example
 * const { caPem, certPem, keyPem } = createTestCertificates({ hostnames: ['chat.example.test'] });
 */
export function createTestCertificates(options: TestCertificateOptions = {}): TestCertificates {
  const known = ['hostnames', 'notBefore', 'notAfter'];
  const unknown = firstUnknownKey(options, known);
  if (unknown !== undefined) throw new TypeError(`createTestCertificates: ${unknownOption(unknown, known)}`);
  const ca = createCertificateAuthority();
  const { certPem, keyPem } = issueServerCertificate(ca, options);
  return { caPem: ca.certPem, certPem, keyPem };
}

/**
 * Generates a self-signed CA (basicConstraints CA:true, keyUsage keyCertSign and cRLSign) valid from 1 h ago for a day.
 */
export function createCertificateAuthority(options: CertificateAuthorityOptions = {}): CertificateAuthority {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = name(options.commonName ?? 'wxsocket test CA');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spki);
  const now = hostNow();
  const extensions = [
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000_0110, the last bit unused.
    extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1)),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
  ];
  const der = signCertificate({
    issuer: subject,
    subject,
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + DAY),
    spki,
    extensions,
    signingKey: privateKey,
  });
  return { certPem: toPem(der), privateKey, subject, keyId };
}

/**
 * Issues a server certificate (extendedKeyUsage serverAuth, keyUsage digitalSignature) for `hostnames`, signed
 * by `ca`, with a fresh P-256 key.
 */
export function issueServerCertificate(
  ca: CertificateAuthority,
  options: TestCertificateOptions = {},
): { certPem: string; keyPem: string } {
  const hostnames = options.hostnames ?? DEFAULT_HOSTNAMES;
  const now = hostNow();
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const extensions = [
    extension(OID.basicConstraints, true, sequence()),
    // digitalSignature (bit 0): 0b1000_0000, seven unused bits. ECDHE-ECDSA needs nothing else.
    extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...hostnames.map(generalName))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, ca.keyId))),
  ];
  const der = signCertificate({
    issuer: ca.subject,
    subject: name(hostnames[0] ?? 'wxsocket test server'),
    notBefore: options.notBefore ?? new Date(now - HOUR),
    notAfter: options.notAfter ?? new Date(now + DAY),
    spki,
    extensions,
    signingKey: ca.privateKey,
  });
  return { certPem: toPem(der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

interface CertificateFields {
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  extensions: Buffer[];
  signingKey: KeyObject;
}

/** Builds the TBSCertificate (RFC 5280 §4.1), signs it with ECDSA-SHA256 and wraps it as a Certificate. */
function signCertificate(fields: CertificateFields): Buffer {
  const algorithm = sequence(oid(OID.ecdsaWithSha256)); // no parameters for ECDSA (RFC 5758 §3.2)
  const tbs = sequence(
    explicit(0, integer(2)), // version v3
    integer(serialNumber()),
    algorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.spki, // SubjectPublicKeyInfo, already DER from node:crypto
    explicit(3, sequence(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.signingKey); // DER ECDSA-Sig-Value by default
  return sequence(tbs, algorithm, bitString(signature));
}

/** A Name with an organization and a common name. */
function name(commonName: string): Buffer {
  return sequence(
    set(sequence(oid(OID.organizationName), utf8String('wxsocket'))),
    set(sequence(oid(OID.commonName), utf8String(commonName))),
  );
}

/** One Extension: `SEQUENCE { extnID, critical (only when true, DER omits defaults), extnValue }`. */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** A GeneralName: `iPAddress [7]` for IPv4/IPv6 literals, `dNSName [2]` otherwise. */
function generalName(hostname: string): Buffer {
  const family = isIP(hostname);
  if (family === 4) return implicitPrimitive(7, Buffer.from(hostname.split('.').map(Number)));
  if (family === 6) return implicitPrimitive(7, ipv6Bytes(hostname));
  return implicitPrimitive(2, Buffer.from(hostname, 'ascii'));
}

/** The 16 bytes of an IPv6 literal (with `::` expanded; an embedded IPv4 tail is not needed here). */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/** Key identifier, method 1 of RFC 5280 §4.2.1.2 in spirit: SHA-1 of the DER public key info. */
function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

/** A positive 16-byte random serial number (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
