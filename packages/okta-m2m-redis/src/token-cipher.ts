/**
 * Tokens at rest: AES-256-GCM with a 32-byte key from configuration, a fresh 96-bit IV per write, and the
 * cache key as additional authenticated data, so an entry copied to another key, or altered by one bit, is
 * refused. The sealed form is `v1.` + base64url(iv ‖ ciphertext ‖ tag); it holds no readable token.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Why a configured encryption key cannot be used (wrong length or encoding). The message names the fix.
 * @example
 * try { parseEncryptionKey('short'); } catch (e) { if (e instanceof EncryptionKeyError) console.error(e.message); }
 */
export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
  readonly code = 'OKTA_M2M_REDIS_ENCRYPTION_KEY';
}

/**
 * The 32 AES-256 key bytes from a configuration value: 32 raw bytes, or 64 hex characters, or base64/base64url
 * text of 32 bytes (e.g. `openssl rand -base64 32`).
 * @example
 * const key = parseEncryptionKey(process.env.TOKEN_STORE_KEY!);
 */
export function parseEncryptionKey(input: string | Uint8Array): Buffer {
  const fix = 'Generate one with `openssl rand -base64 32` and pass it as encryptionKey (TOKEN_STORE_KEY).';
  if (typeof input !== 'string') {
    if (input.byteLength !== KEY_BYTES) {
      throw new EncryptionKeyError(`encryptionKey must be 32 bytes, got ${input.byteLength}. ${fix}`);
    }
    return Buffer.from(input);
  }
  const text = input.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined;
  if (bytes === undefined || bytes.byteLength !== KEY_BYTES) {
    throw new EncryptionKeyError(
      `encryptionKey must be 32 bytes as base64 or 64 hex characters (got ${text.length} characters). ${fix}`,
    );
  }
  return bytes;
}

/**
 * Encrypt `plaintext` bound to `context` (the additional authenticated data).
 * @example
 * const sealed = seal(key, JSON.stringify(token), cacheKey);
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Decrypt a value made by {@link seal} for the same `context`; `undefined` when it is not one, or when it
 * was altered, or sealed for another context or with another key.
 * @example
 * const json = open(key, sealed, cacheKey); // undefined for a tampered entry
 */
export function open(key: Buffer, sealed: string, context: string): string | undefined {
  if (!sealed.startsWith(VERSION)) return undefined;
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.byteLength < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.byteLength - TAG_BYTES));
    const body = raw.subarray(IV_BYTES, raw.byteLength - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
