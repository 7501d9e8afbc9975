/**
 * The DPoP key: generated in memory, or imported once (by the same importer as the client key: PEM, JWK object or
 * JSON text, KeyObject) and checked against the proof algorithms Okta accepts. Kept apart from the
 * client-authentication key (okta-api-facts §2.3: Okta's guide asks for a separate key; the Node SDK's reuse of
 * the client key is one of its defects). {@link importDpopKey} is synchronous, so `createOktaClient` checks a
 * given key when the client is created.
 */
import { generateKeyPair, KeyObject } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyError } from '../errors.js';
import { importPrivateKey, jwkThumbprint } from './keys.js';

/**
 * JWS algorithms for DPoP proofs: the set Okta advertises in `dpop_signing_alg_values_supported` and in its
 * `WWW-Authenticate: DPoP algs="..."` challenges. PS256 and EdDSA are not in that set, so they are refused.
 */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512'] as const;

/** A JWS algorithm usable for DPoP proofs with Okta. */
export type DpopAlgorithm = (typeof DPOP_ALGORITHMS)[number];

/**
 * Where a DPoP key can come from: PEM text (PKCS#8, SEC1 or PKCS#1), a private JWK (object or JSON text), or a
 * private KeyObject.
 */
export type DpopKeyInput = string | JsonWebKey | KeyObject;

/** A usable DPoP key. */
export interface LoadedDpopKey {
  privateKey: KeyObject;
  alg: DpopAlgorithm;
  /** The public members only (`kty`, `crv`, `x`, `y` or `kty`, `n`, `e`), as they go in the proof header. */
  publicJwk: Readonly<Record<string, string>>;
  /** RFC 7638 SHA-256 thumbprint of the public key (the token's `cnf.jkt`). */
  thumbprint: string;
}

const EC_CURVE_FOR_ALG: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const EC_ALG_FOR_CURVE: Record<string, DpopAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
const MIN_RSA_BITS = 2048;
const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Import and check a given DPoP key synchronously (no generation): the algorithm must be one Okta accepts and fit
 * the key. `source` names the key in messages (e.g. `dpop.key` or `the DPoP key file /run/secrets/dpop.jwk`).
 * @throws KeyError for a public or symmetric key, an unparsable key, or an algorithm that does not fit.
 * @example
 * const { alg, thumbprint } = importDpopKey(readFileSync(path, 'utf8'), undefined, `the DPoP key file ${path}`);
 */
export function importDpopKey(
  input: DpopKeyInput,
  alg: string | undefined,
  source = 'The DPoP key',
): LoadedDpopKey {
  checkAlgorithm(alg);
  const { keyObject } = importPrivateKey(input, source);
  return settle(keyObject, alg as DpopAlgorithm | undefined);
}

/**
 * Load the DPoP key (or generate one when `input` is undefined) and settle its algorithm.
 * @throws KeyError for a public or symmetric key, an unparsable key, an algorithm Okta does not accept, or an
 * algorithm that does not fit the key.
 * @example
 * const { alg } = await loadDpopKey(undefined, undefined) // a fresh P-256 key, 'ES256'
 */
export async function loadDpopKey(
  input: DpopKeyInput | undefined,
  alg: string | undefined,
): Promise<LoadedDpopKey> {
  if (input !== undefined) return importDpopKey(input, alg);
  checkAlgorithm(alg);
  return settle(await generate(alg as DpopAlgorithm | undefined), alg as DpopAlgorithm | undefined);
}

function checkAlgorithm(alg: string | undefined): void {
  if (alg !== undefined && !(DPOP_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new KeyError(
      `DPoP algorithm "${alg}" is not supported. Okta accepts DPoP proofs signed with ${DPOP_ALGORITHMS.join(', ')}.`,
      { hint: 'Set the DPoP alg to ES256 (the default) or another listed algorithm.' },
    );
  }
}

function settle(privateKey: KeyObject, alg: DpopAlgorithm | undefined): LoadedDpopKey {
  const settled = algorithmFor(privateKey, alg);
  const publicJwk = publicJwkOf(privateKey);
  return { privateKey, alg: settled, publicJwk, thumbprint: jwkThumbprint(publicJwk) };
}

async function generate(alg: DpopAlgorithm | undefined): Promise<KeyObject> {
  if (alg !== undefined && alg.startsWith('RS')) {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: MIN_RSA_BITS });
    return privateKey;
  }
  const namedCurve = EC_CURVE_FOR_ALG[alg ?? 'ES256'] ?? 'P-256';
  const { privateKey } = await generateKeyPairAsync('ec', { namedCurve });
  return privateKey;
}

function algorithmFor(key: KeyObject, requested: DpopAlgorithm | undefined): DpopAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const natural = EC_ALG_FOR_CURVE[curve];
    if (natural === undefined) {
      throw new KeyError(`The DPoP key uses EC curve ${curve}, which no DPoP algorithm Okta accepts uses.`, {
        hint: 'Use a P-256 key (ES256), P-384 (ES384) or P-521 (ES512).',
      });
    }
    if (requested !== undefined && requested !== natural) {
      throw new KeyError(
        `DPoP algorithm ${requested} does not fit the DPoP key (an EC ${curve} key needs ${natural}).`,
        { hint: `Set dpop.alg to ${natural}, or leave it out: the algorithm follows the key.` },
      );
    }
    return natural;
  }
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new KeyError(`The DPoP RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required.`, {
        hint: 'Use an EC P-256 key (ES256, the default) or an RSA key of 2048 bits or more.',
      });
    }
    if (requested !== undefined && !requested.startsWith('RS')) {
      throw new KeyError(
        `DPoP algorithm ${requested} does not fit the DPoP key (an RSA key needs RS256, RS384 or RS512).`,
        { hint: 'Set dpop.alg to RS256, RS384 or RS512, or leave it out: the algorithm follows the key.' },
      );
    }
    return requested ?? 'RS256';
  }
  throw new KeyError(
    `The DPoP key type "${type ?? 'unknown'}" is not supported; use an EC (P-256) or RSA key.`,
    {
      hint: `Okta accepts DPoP proofs signed with ${DPOP_ALGORITHMS.join(', ')}.`,
    },
  );
}

function publicJwkOf(key: KeyObject): Readonly<Record<string, string>> {
  const jwk = key.export({ format: 'jwk' });
  // Only the members RFC 7638 hashes; never `d`, `p`, `q`, `dp`, `dq`, `qi`.
  const members = jwk.kty === 'EC' ? (['crv', 'kty', 'x', 'y'] as const) : (['e', 'kty', 'n'] as const);
  const out: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new KeyError(`The DPoP key's public JWK lacks "${name}".`);
    out[name] = value;
  }
  return Object.freeze(out);
}
