/**
 * App key credentials (`/api/v1/apps/{appId}/credentials/keys`): an RSA key pair with a self-signed X.509
 * certificate, as Okta generates for every app and on `POST .../credentials/keys/generate?validityYears=N`
 * (management.yaml `JsonWebKey`, example `KeyCredentialExample`). The certificate is built with node-forge's ASN.1
 * encoder and signed natively (node:crypto); the private key never leaves the record.
 */
import { createHash, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsa = promisify(generateKeyPair);

/** Okta accepts 2 to 10 years (management.yaml `ErrorKeyCredentialInvalidValidity`). */
export const MIN_VALIDITY_YEARS = 2;
export const MAX_VALIDITY_YEARS = 10;

/** A stored app key credential. `kid` is the RFC 7638 thumbprint of the public key, like Okta's. */
export interface AppKeyCredential {
  kid: string;
  created: string;
  lastUpdated: string;
  expiresAt: string;
  /** Base64 DER certificate chain (one self-signed certificate). */
  x5c: string[];
  n: string;
  e: string;
  /** base64url SHA-256 of the DER certificate. */
  x5tS256: string;
}

/**
 * Generates a key credential valid from `nowMs` for `validityYears`.
 * @example const key = await generateAppKeyCredential({ nowMs: Date.now(), validityYears: 10, commonName: 'okta-emulator' });
 */
export async function generateAppKeyCredential(options: {
  nowMs: number;
  validityYears: number;
  commonName: string;
  serialHex: string;
}): Promise<AppKeyCredential> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const notBefore = new Date(options.nowMs);
  const notAfter = new Date(options.nowMs);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + options.validityYears);
  const der = selfSignedCertificate({
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    notBefore,
    notAfter,
    commonName: options.commonName,
    serialHex: options.serialHex,
  });
  const created = notBefore.toISOString();
  return {
    kid: rsaThumbprint(jwk),
    created,
    lastUpdated: created,
    expiresAt: notAfter.toISOString(),
    x5c: [der.toString('base64')],
    n: jwk.n,
    e: jwk.e,
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

/** The key as the API returns it (management.yaml `JsonWebKey`). */
export function appKeyJson(key: AppKeyCredential): Record<string, unknown> {
  return {
    created: key.created,
    lastUpdated: key.lastUpdated,
    expiresAt: key.expiresAt,
    x5c: key.x5c,
    e: key.e,
    n: key.n,
    kid: key.kid,
    kty: 'RSA',
    use: 'sig',
    'x5t#S256': key.x5tS256,
  };
}

function rsaThumbprint(jwk: { n: string; e: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
}

function selfSignedCertificate(input: {
  privateKey: KeyObject;
  publicKeyPem: string;
  notBefore: Date;
  notAfter: Date;
  commonName: string;
  serialHex: string;
}): Buffer {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(input.publicKeyPem);
  cert.serialNumber = input.serialHex;
  cert.validity.notBefore = input.notBefore;
  cert.validity.notAfter = input.notAfter;
  const name = [
    { name: 'commonName', value: input.commonName },
    { name: 'organizationName', value: 'okta-emulator (not Okta)' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  // Sign the TBS natively instead of with forge's JavaScript RSA.
  const oid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  // getTBSCertificate is part of node-forge's API but missing from its type declarations.
  const { getTBSCertificate } = forge.pki as unknown as {
    getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = Buffer.from(forge.asn1.toDer(getTBSCertificate(cert)).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, input.privateKey).toString('binary');
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}
