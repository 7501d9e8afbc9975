/**
 * The kid of a key file: the `<key file>.kid` sidecar (`kid thumbprint` on one line, as `okta-m2m keys rotate`
 * writes it; a bare `kid` from older versions) and the one rule, shared by the library's key source and the
 * CLI, that decides which kid a key file is sent with. A sidecar is trusted only for the key whose thumbprint
 * it names, so a reader between the two renames of a rotation never pairs the new kid with the old key.
 */
import { readFileSync } from 'node:fs';
import { SigningKey } from './keys.js';

/**
 * The file next to a key file that names its kid: `<key file>.kid` (what `okta-m2m keys rotate` writes).
 * @example
 * readKidSidecar(`${path}${KID_SIDECAR_SUFFIX}`);
 */
export const KID_SIDECAR_SUFFIX = '.kid';

/**
 * What a `<key file>.kid` sidecar says: the kid, and the RFC 7638 thumbprint of the key it names (undefined in
 * a sidecar written before thumbprints were recorded).
 */
export interface KidSidecar {
  kid: string;
  thumbprint: string | undefined;
}

/**
 * The content of a sidecar naming `kid` for the key whose public-key thumbprint is `thumbprint`.
 * @example
 * writeFileSync(`${path}${KID_SIDECAR_SUFFIX}`, kidSidecarText(pair.kid, pair.kid));
 */
export function kidSidecarText(kid: string, thumbprint: string): string {
  return `${kid} ${thumbprint}\n`;
}

/**
 * Read a sidecar file (`kid thumbprint` on one line, or a bare `kid`); undefined when missing or empty.
 * @example
 * readKidSidecar('/run/secrets/okta.pem.kid') // { kid: 'kid-2', thumbprint: 'NzbLsX…' }
 */
export function readKidSidecar(sidecarPath: string): KidSidecar | undefined {
  let text: string;
  try {
    text = readFileSync(sidecarPath, 'utf8');
  } catch {
    return undefined;
  }
  const [kid, thumbprint] = text.trim().split(/\s+/);
  return kid === undefined || kid === '' ? undefined : { kid, thumbprint };
}

/** The kid a key file is sent with, where it came from, and a sidecar that was ignored because it names another key. */
export interface KeyFileKid {
  kid: string | undefined;
  from: 'sidecar' | 'jwk' | 'keyId' | 'none';
  staleSidecar: KidSidecar | undefined;
}

/**
 * The one rule for the kid of a key file (the library and the CLI both use it): the sidecar's kid when its
 * thumbprint is the key's; else the JWK's own kid; else a sidecar without a thumbprint (older sidecars); else
 * `keyId` (pass it only while it names this key); else none. A sidecar with another key's thumbprint (a
 * rotation between its two renames, or a leftover) is never used and is reported as `staleSidecar`.
 * @example
 * const { kid, from } = keyFileKid(loadSigningKey({ privateKeyPath: path }), readKidSidecar(`${path}.kid`), keyId);
 */
export function keyFileKid(
  key: SigningKey,
  sidecar: KidSidecar | undefined,
  keyId: string | undefined,
): KeyFileKid {
  const stale =
    sidecar?.thumbprint !== undefined && sidecar.thumbprint !== key.thumbprint ? sidecar : undefined;
  if (sidecar?.thumbprint !== undefined && stale === undefined)
    return { kid: sidecar.kid, from: 'sidecar', staleSidecar: undefined };
  if (key.kidSource === 'jwk') return { kid: key.kid, from: 'jwk', staleSidecar: stale };
  if (sidecar !== undefined && stale === undefined)
    return { kid: sidecar.kid, from: 'sidecar', staleSidecar: undefined };
  if (keyId !== undefined) return { kid: keyId, from: 'keyId', staleSidecar: stale };
  return { kid: undefined, from: 'none', staleSidecar: stale };
}

/**
 * `key` sent with `kid` (the same key object when the kid is already that).
 * @example
 * const key = withKid(plain, keyFileKid(plain, sidecar, undefined).kid);
 */
export function withKid(key: SigningKey, kid: string | undefined): SigningKey {
  if (kid === key.kid) return key;
  const { kid: _kid, alg: _alg, use: _use, ...publicJwk } = key.publicJwk();
  return new SigningKey(key.keyObject, key.alg, kid, kid === undefined ? 'none' : 'keyId', publicJwk);
}
