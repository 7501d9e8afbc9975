/**
 * DPoP proofs (RFC 9449) with one key, imported once, and a nonce memory per origin.
 *
 * Differences from Okta's Node SDK on purpose (okta-sdk-wire.md): the proof key is never the
 * client-authentication key, the algorithm follows the key (ES256 by default, not a hard-coded RS256), every
 * proof is new (fresh `jti` and `iat`; a proof is never reused on retry), `htu` is normalised the way Okta
 * compares it, and nonces are kept per origin for later token fetches.
 */
import { createHash, sign as signSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify, inspect } from 'node:util';
import type { Clock } from '../deps.js';
import { KeyError } from '../errors.js';
import type { DpopProver } from './types.js';
import { loadDpopKey } from './dpop-key.js';
import type { DpopAlgorithm, DpopKeyInput, LoadedDpopKey } from './dpop-key.js';
import { normalizeHtu } from './dpop-htu.js';

export { normalizeHtu } from './dpop-htu.js';
export { DPOP_ALGORITHMS, importDpopKey } from './dpop-key.js';
export type { DpopAlgorithm, DpopKeyInput, LoadedDpopKey } from './dpop-key.js';

/** Options of {@link createDpopProver}. */
export interface DpopProverOptions {
  /**
   * The DPoP private key: PEM text (PKCS#8, SEC1 or PKCS#1, not a file path), a private JWK, or a private
   * KeyObject. Default: a new key generated in memory (P-256 for ES256, RSA-2048 for RS*), which is what Okta's
   * Go and Java SDKs do; a restart then simply fetches a token bound to the new key.
   */
  key?: DpopKeyInput | undefined;
  /** A key already imported and checked by {@link importDpopKey} (used instead of `key`). */
  loaded?: LoadedDpopKey | undefined;
  /** The proof algorithm. Default: from the key (ES256/384/512 by curve, RS256 for RSA); ES256 when generating. */
  alg?: DpopAlgorithm | undefined;
  /**
   * RFC 7638 thumbprint of the client-authentication (private_key_jwt) key. When given, a DPoP key with the same
   * thumbprint is refused: the two keys must differ.
   */
  clientAuthThumbprint?: string | undefined;
  /** Injected side effects: the clock for `iat`, and unique ids for `jti`. */
  deps: { clock: Clock; uuid: () => string };
}

/** How many origins' nonces are remembered; the oldest is forgotten beyond that. */
const MAX_NONCE_ORIGINS = 64;

const HASH_FOR_ALG: Record<DpopAlgorithm, string> = {
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
};

const signAsync = promisify(signSync);

/**
 * Create a DPoP prover. The key is loaded and checked once; each proof then costs one signature.
 *
 * @throws KeyError when the key is unusable, the algorithm is not one Okta accepts or does not fit the key,
 * or the key equals the client-authentication key.
 * @example
 * const prover = await createDpopProver({ deps: { clock: Date.now, uuid: randomUUID } });
 * const proof = await prover.proof({ method: 'POST', url: new URL('https://acme.okta.com/oauth2/v1/token') });
 */
export async function createDpopProver(options: DpopProverOptions): Promise<DpopProver> {
  const { privateKey, alg, publicJwk, thumbprint } =
    options.loaded ?? (await loadDpopKey(options.key, options.alg));
  checkSeparateKey(thumbprint, options.clientAuthThumbprint);
  return new Prover(privateKey, alg, publicJwk, thumbprint, options.deps);
}

/**
 * Refuse a DPoP key that is the client-authentication key (same RFC 7638 thumbprint).
 * @example
 * checkSeparateKey(dpopKey.thumbprint, signingKey.thumbprint); // throws KeyError when equal
 */
export function checkSeparateKey(dpopThumbprint: string, clientAuthThumbprint: string | undefined): void {
  if (clientAuthThumbprint !== undefined && clientAuthThumbprint === dpopThumbprint) {
    throw new KeyError('The DPoP key is the client-authentication key; DPoP needs a separate key.', {
      hint: 'Omit the DPoP key to use a generated one, or give a different key than the private_key_jwt key.',
    });
  }
}

/** The prover. The private key lives in a private field: JSON.stringify and util.inspect show only alg and thumbprint. */
class Prover implements DpopProver {
  readonly thumbprint: string;
  readonly alg: DpopAlgorithm;
  readonly #key: KeyObject;
  readonly #hash: string;
  readonly #ec: boolean;
  /** base64url of the protected header, computed once: `{"typ":"dpop+jwt","alg":...,"jwk":{public members}}`. */
  readonly #header: string;
  readonly #deps: { clock: Clock; uuid: () => string };
  readonly #nonces = new Map<string, string>();
  /**
   * The last access token and its `ath` (base64url SHA-256). A cached token is used for many calls, so hashing
   * it once per token instead of once per proof saves a hash per API call; `ath` is the same value either way.
   */
  #athFor: { token: string; ath: string } | undefined;
  /** The last request URL and its normalised `htu`. */
  #htuFor: { href: string; htu: string } | undefined;

  constructor(
    key: KeyObject,
    alg: DpopAlgorithm,
    publicJwk: Readonly<Record<string, string>>,
    thumbprint: string,
    deps: { clock: Clock; uuid: () => string },
  ) {
    this.#key = key;
    this.alg = alg;
    this.thumbprint = thumbprint;
    this.#hash = HASH_FOR_ALG[alg];
    this.#ec = alg.startsWith('ES');
    this.#header = b64(JSON.stringify({ typ: 'dpop+jwt', alg, jwk: publicJwk }));
    this.#deps = deps;
  }

  async proof(input: {
    method: string;
    url: URL;
    accessToken?: string | undefined;
    nonce?: string | undefined;
  }): Promise<string> {
    // The claims are written as JSON text directly (fixed member order, JSON.stringify only for the values that
    // could need escaping), and the signing input goes into one ASCII buffer.
    const htu = this.#htu(input.url);
    let claims = `{"htm":${JSON.stringify(input.method.toUpperCase())},"htu":${JSON.stringify(htu)},"iat":${Math.floor(this.#deps.clock() / 1000)},"jti":${JSON.stringify(this.#deps.uuid())}`;
    if (input.accessToken !== undefined) claims += `,"ath":"${this.#ath(input.accessToken)}"`;
    const nonce = input.nonce ?? this.nonceFor(input.url);
    if (nonce !== undefined) claims += `,"nonce":${JSON.stringify(nonce)}`;
    const signingInput = `${this.#header}.${b64(`${claims}}`)}`;
    const data = Buffer.from(signingInput, 'latin1');
    // EC signatures take tens of microseconds: signing inline is cheaper than a thread-pool hop. RSA signatures
    // take about a millisecond, so they run on the thread pool to keep the event loop free.
    const signature = this.#ec
      ? signSync(this.#hash, data, { key: this.#key, dsaEncoding: 'ieee-p1363' })
      : await signAsync(this.#hash, data, this.#key);
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** `htu` of the last URL seen (a client calls the same few URLs): normalised once per distinct href. */
  #htu(url: URL): string {
    const href = url.href;
    if (this.#htuFor?.href !== href) this.#htuFor = { href, htu: normalizeHtu(url) };
    return this.#htuFor.htu;
  }

  #ath(accessToken: string): string {
    if (this.#athFor?.token !== accessToken) {
      const ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url');
      this.#athFor = { token: accessToken, ath };
    }
    return this.#athFor.ath;
  }

  rememberNonce(url: URL, nonce: string): void {
    if (nonce === '') return;
    const origin = url.origin;
    this.#nonces.delete(origin);
    this.#nonces.set(origin, nonce);
    if (this.#nonces.size > MAX_NONCE_ORIGINS) {
      const oldest = this.#nonces.keys().next().value;
      if (oldest !== undefined) this.#nonces.delete(oldest);
    }
  }

  nonceFor(url: URL): string | undefined {
    return this.#nonces.get(url.origin);
  }

  toJSON(): { alg: string; thumbprint: string } {
    return { alg: this.alg, thumbprint: this.thumbprint };
  }

  [inspect.custom](): string {
    return `DpopProver { alg: '${this.alg}', thumbprint: '${this.thumbprint}' }`;
  }
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
