/**
 * The org's generated secrets: the emulator's token-signing key, the Super Admin API token and DPoP nonces.
 */
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { SigningKey } from './org-records.js';

/** A fresh DPoP nonce (opaque, URL-safe). */
export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

/** Generates an RS256 key for signing access tokens; `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    privateJwk: { ...privateJwk, kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };
}

/** A new Okta-style API token (`00` + 40 characters). */
export function newAdminToken(): string {
  return '00' + randomBytes(30).toString('base64url').replace(/[-_]/g, 'x').slice(0, 40);
}
