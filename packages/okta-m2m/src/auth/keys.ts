/**
 * Private keys for client authentication (private_key_jwt): loading, checking and generating.
 *
 * Accepted forms: PKCS#8 PEM (`BEGIN PRIVATE KEY`), PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), SEC1 PEM
 * (`BEGIN EC PRIVATE KEY`), a private JWK (object or JSON text, as Okta's "Generate new key" shows it), or a
 * node `KeyObject`/`CryptoKey`. Supported: RSA of at least 2048 bits (RS256) and EC P-256 (ES256).
 *
 * The key is imported once into a `KeyObject` and wrapped in {@link SigningKey}, whose `toJSON` and
 * `util.inspect` show only the algorithm and key id. No message here ever contains key material.
 */
import {
  KeyObject,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateNodeKeyPair,
  webcrypto,
  type JsonWebKey,
} from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { inspect, promisify } from 'node:util';
import { KeyError } from '../errors.js';

/**
 * Signature algorithms for client assertions.
 * @example
 * const alg: SigningAlg = 'ES256';
 */
export type SigningAlg = 'RS256' | 'ES256';

/**
 * Where the key id came from (see {@link loadSigningKey}): the JWK's own `kid`, the `keyId` option, or `none`
 * (no `kid` header is sent: Okta accepts that when the app has a single key, while a guessed one is refused).
 * @example
 * if (key.kidSource === 'none') log.info('no kid: the app must have exactly one key');
 */
export type KidSource = 'jwk' | 'keyId' | 'none';

/**
 * A public JWK, as registered with the authorization server.
 * @example
 * const jwks = { keys: [key.publicJwk()] satisfies PublicJwk[] };
 */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/**
 * A WebCrypto key (`crypto.subtle`).
 * @example
 * const { privateKey } = (await crypto.subtle.generateKey(params, false, ['sign'])) as { privateKey: WebCryptoKey };
 */
export type WebCryptoKey = webcrypto.CryptoKey;

/**
 * A private key as accepted by {@link loadSigningKey}.
 * @example
 * const input: PrivateKeyInput = readFileSync('key.pem', 'utf8');
 */
export type PrivateKeyInput = string | JsonWebKey | KeyObject | WebCryptoKey;

const MIN_RSA_BITS = 2048;

/**
 * A loaded private signing key. Holds a `KeyObject`; serialises (JSON, `util.inspect`) as `{ alg, kid }` only
 * (`kid` absent when none was given).
 * @example
 * const key = loadSigningKey({ privateKeyPath: './key.pem', keyId: 'my-kid' });
 * console.log(key); // SigningKey { alg: 'RS256', kid: 'my-kid' }
 */
export class SigningKey {
  /** JWS algorithm for this key. */
  readonly alg: SigningAlg;
  /** Key id sent in the assertion header; `undefined` when none was given (no `kid` header is sent). */
  readonly kid: string | undefined;
  /** Where {@link kid} came from. */
  readonly kidSource: KidSource;
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url). */
  readonly thumbprint: string;
  readonly #key: KeyObject;
  readonly #publicJwk: PublicJwk;

  constructor(
    key: KeyObject,
    alg: SigningAlg,
    kid: string | undefined,
    kidSource: KidSource,
    publicJwk: PublicJwk,
  ) {
    this.#key = key;
    this.alg = alg;
    this.kid = kid;
    this.kidSource = kidSource;
    this.#publicJwk = publicJwk;
    this.thumbprint = jwkThumbprint(publicJwk);
  }

  /** The private `KeyObject`, for signing. Never log it. */
  get keyObject(): KeyObject {
    return this.#key;
  }

  /** The public JWK with `kid` (when known), `alg` and `use: 'sig'`: what to register on the app. */
  publicJwk(): PublicJwk {
    return {
      ...this.#publicJwk,
      ...(this.kid === undefined ? {} : { kid: this.kid }),
      alg: this.alg,
      use: 'sig',
    };
  }

  toJSON(): { alg: SigningAlg; kid?: string } {
    return this.kid === undefined ? { alg: this.alg } : { alg: this.alg, kid: this.kid };
  }

  [inspect.custom](): string {
    return this.kid === undefined
      ? `SigningKey { alg: '${this.alg}' }`
      : `SigningKey { alg: '${this.alg}', kid: '${this.kid}' }`;
  }
}

/**
 * Where to load a signing key from. Give exactly one of `privateKey` and `privateKeyPath`.
 * @example
 * const options: LoadSigningKeyOptions = { privateKeyPath: '/run/secrets/okta.pem', keyId: 'kid-1' };
 */
export interface LoadSigningKeyOptions {
  /** The key itself: PEM text, JWK (object or JSON text), KeyObject or CryptoKey. */
  privateKey?: PrivateKeyInput | undefined;
  /** A file holding PEM or JWK JSON. Must not be readable by group or others (see `allowInsecureKeyFile`). */
  privateKeyPath?: string | undefined;
  /** The key id registered on the app. Must equal a JWK's own `kid` when both are present. */
  keyId?: string | undefined;
  /** Accept a key file readable by group/others (mode & 0o077 != 0). Off by default. */
  allowInsecureKeyFile?: boolean | undefined;
  /** Where the key came from, for messages (e.g. `OKTA_PRIVATE_KEY`). Defaults to `privateKey`/the path. */
  source?: string | undefined;
}

/**
 * Load and check a private key. The `kid` is the JWK's own `kid`, else `keyId`, else none: no `kid` header is
 * sent. A guessed `kid` (such as the key's thumbprint) would be refused by an app whose registered key id
 * differs, while Okta accepts an assertion without `kid` when the app has a single key.
 *
 * Throws {@link KeyError} for: a public key or certificate, malformed PEM or JWK, an encrypted PEM, RSA under
 * 2048 bits, an unsupported key type or curve, a `keyId` that contradicts the JWK's `kid`, an unreadable file, or
 * a key file readable by group/others (unless `allowInsecureKeyFile`).
 * @example
 * const key = loadSigningKey({ privateKey: process.env.OKTA_PRIVATE_KEY, keyId: process.env.OKTA_KEY_ID });
 */
export function loadSigningKey(options: LoadSigningKeyOptions): SigningKey {
  const { privateKey, privateKeyPath, keyId } = options;
  if (privateKey !== undefined && privateKeyPath !== undefined) {
    throw new KeyError('Both privateKey and privateKeyPath are set.', { hint: 'Give exactly one of them.' });
  }
  if (privateKeyPath !== undefined) {
    const text = readPrivateKeyFile(privateKeyPath, options.allowInsecureKeyFile === true);
    return importKey(text, keyId, options.source ?? `the key file ${privateKeyPath}`);
  }
  if (privateKey === undefined) {
    throw new KeyError('No private key was given.', {
      hint: 'Set privateKey (PEM or JWK) or privateKeyPath (OKTA_PRIVATE_KEY or OKTA_PRIVATE_KEY_PATH).',
    });
  }
  return importKey(privateKey, keyId, options.source ?? 'privateKey');
}

/**
 * Reads a private key file (PEM or JWK JSON), refusing one that group or others may read unless allowed.
 * `option` names the setting in messages, e.g. `dpop.keyPath (OKTA_DPOP_KEY_PATH)`.
 * @example
 * const pem = readPrivateKeyFile('/run/secrets/dpop.pem', false, 'dpop.keyPath');
 */
export function readPrivateKeyFile(
  path: string,
  allowInsecure: boolean,
  option = 'privateKeyPath (OKTA_PRIVATE_KEY_PATH)',
): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KeyError(`Cannot read the private key file ${path} (${code ?? 'error'}).`, {
      hint:
        code === 'ENOENT'
          ? `Check ${option}: the file does not exist.`
          : 'Check the path and that this process may read it.',
    });
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0 && !allowInsecure) {
    throw new KeyError(
      `The private key file ${path} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}).`,
      {
        hint: `Run \`chmod 600 ${path}\` so only its owner can read it, or set allowInsecureKeyFile: true if the host is otherwise protected.`,
      },
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KeyError(`Cannot read the private key file ${path} (${code ?? 'error'}).`, {
      hint: 'Check the path and that this process may read it.',
    });
  }
}

/**
 * A private key imported by {@link importPrivateKey}: the `KeyObject`, and the JWK it came from, if any (for its
 * `kid` and `alg` members).
 */
export interface ImportedPrivateKey {
  keyObject: KeyObject;
  jwk: JsonWebKey | undefined;
}

/**
 * The one private-key importer, for client-authentication and DPoP keys alike: PEM text (PKCS#8, PKCS#1, SEC1),
 * a private JWK (object or JSON text), a `KeyObject` or a `CryptoKey`. Refuses public keys, certificates,
 * encrypted PEM, JWK sets and symmetric keys with a KeyError naming `source` (e.g. `dpop.key` or the file) and
 * the fix. Crypto errors are never attached as `cause` (they can echo the input). Algorithm rules are the
 * caller's (client assertions and DPoP proofs accept different ones).
 * @example
 * const { keyObject } = importPrivateKey(readFileSync('dpop.jwk', 'utf8'), 'the DPoP key file dpop.jwk');
 */
export function importPrivateKey(input: unknown, source: string): ImportedPrivateKey {
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      const jwk = parseJwkText(text, source);
      return { keyObject: importJwk(jwk, source), jwk };
    }
    return { keyObject: importPem(text, source), jwk: undefined };
  }
  if (input instanceof KeyObject) return { keyObject: checkKeyObject(input, source), jwk: undefined };
  if (isCryptoKey(input)) return { keyObject: checkKeyObject(KeyObject.from(input), source), jwk: undefined };
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const jwk = input as JsonWebKey;
    return { keyObject: importJwk(jwk, source), jwk };
  }
  throw new KeyError(`${source} is not a key.`, {
    hint: 'Give PEM text, a private JWK, or a KeyObject.',
  });
}

function importKey(input: PrivateKeyInput, keyId: string | undefined, source: string): SigningKey {
  const { keyObject, jwk } = importPrivateKey(input, source);

  const alg = algFor(keyObject, source);
  if (jwk?.alg !== undefined && jwk.alg !== alg) {
    throw new KeyError(`${source} is a JWK with alg ${jwk.alg}; this key type signs with ${alg}.`, {
      hint: `Use an RSA key with alg RS256 or an EC P-256 key with alg ES256.`,
    });
  }
  const publicJwk = toPublicJwk(keyObject);
  const jwkKid = typeof jwk?.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  if (jwkKid !== undefined && keyId !== undefined && keyId !== jwkKid) {
    throw new KeyError(`keyId "${keyId}" differs from the kid "${jwkKid}" of the JWK in ${source}.`, {
      hint: 'Remove keyId (OKTA_KEY_ID) or set it to the JWK kid registered on the app.',
    });
  }
  if (jwkKid !== undefined) return new SigningKey(keyObject, alg, jwkKid, 'jwk', publicJwk);
  if (keyId !== undefined) return new SigningKey(keyObject, alg, keyId, 'keyId', publicJwk);
  return new SigningKey(keyObject, alg, undefined, 'none', publicJwk);
}

function importPem(text: string, source: string): KeyObject {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label === undefined) {
    throw new KeyError(`${source} is neither PEM nor a JWK.`, {
      hint: 'Give the key itself, a PEM private key ("-----BEGIN PRIVATE KEY-----") or a private JWK in JSON, not a file path (for a file use the key path option).',
    });
  }
  if (label.includes('PUBLIC KEY') || label === 'CERTIFICATE') {
    throw new KeyError(`${source} holds a public key (${label}), but a private key is needed to sign.`, {
      hint: 'Use the private key of the pair; register its public key on the app in Okta.',
    });
  }
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new KeyError(`${source} is an encrypted (passphrase-protected) PEM.`, {
      hint: 'Decrypt it (e.g. `openssl pkey -in enc.pem -out key.pem`) and protect the file instead, or pass a KeyObject.',
    });
  }
  if (!['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'].includes(label)) {
    throw new KeyError(`${source} is a PEM "${label}" block, not a supported private key.`, {
      hint: 'Use PKCS#8 ("BEGIN PRIVATE KEY"), PKCS#1 ("BEGIN RSA PRIVATE KEY") or SEC1 ("BEGIN EC PRIVATE KEY").',
    });
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch {
    // The cause is dropped on purpose: crypto errors can echo input.
    throw new KeyError(`${source} is not a valid PEM private key (the ${label} block cannot be parsed).`, {
      hint: 'Check that the whole PEM block was copied, including the BEGIN/END lines and line breaks.',
    });
  }
}

function parseJwkText(text: string, source: string): JsonWebKey {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const keys = (parsed as { keys?: unknown }).keys;
      if (Array.isArray(keys)) {
        throw new KeyError(`${source} is a JWK set; give the single private JWK instead.`, {
          hint: 'Take the one key object out of "keys".',
        });
      }
      return parsed as JsonWebKey;
    }
  } catch (e) {
    if (e instanceof KeyError) throw e;
  }
  throw new KeyError(`${source} looks like JSON but is not a valid JWK.`, {
    hint: 'Give the private JWK as Okta showed it (with "d"), or a PEM private key.',
  });
}

function importJwk(jwk: JsonWebKey, source: string): KeyObject {
  if (jwk.kty === 'oct') {
    throw new KeyError(`${source} is a symmetric (oct) JWK; an asymmetric private key is needed to sign.`, {
      hint: 'Use an RSA or EC private key.',
    });
  }
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') {
    throw new KeyError(`${source} is a JWK of type ${String(jwk.kty)}, which is not supported.`, {
      hint: 'Use an RSA or EC private key.',
    });
  }
  if (typeof jwk.d !== 'string') {
    throw new KeyError(`${source} is a public JWK (no "d" member), but a private key is needed to sign.`, {
      hint: 'Use the private JWK (Okta shows it once, under "Private key - Copy this!").',
    });
  }
  try {
    return createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new KeyError(`${source} is not a valid private JWK.`, {
      hint: 'Check that every member (n, e, d, p, q, dp, dq, qi or crv, x, y, d) was copied completely.',
    });
  }
}

function checkKeyObject(key: KeyObject, source: string): KeyObject {
  if (key.type === 'public') {
    throw new KeyError(`${source} is a public KeyObject, but a private key is needed to sign.`, {
      hint: 'Pass the private key of the pair.',
    });
  }
  if (key.type !== 'private') {
    throw new KeyError(
      `${source} is a secret (symmetric) key; an asymmetric private key is needed to sign.`,
      {
        hint: 'Use an RSA or EC private key.',
      },
    );
  }
  return key;
}

function algFor(key: KeyObject, source: string): SigningAlg {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new KeyError(`${source} is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required.`, {
        hint: 'Generate an RSA 2048 (or larger) key pair and register its public key on the app.',
      });
    }
    return 'RS256';
  }
  if (type === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ES256';
    throw new KeyError(
      `${source} is an EC key on curve ${details.namedCurve ?? 'unknown'}; only P-256 is supported.`,
      {
        hint: 'Use an EC P-256 key (ES256) or an RSA 2048 key (RS256).',
      },
    );
  }
  throw new KeyError(`${source} is a ${type ?? 'unknown'} key, which is not supported.`, {
    hint: 'Use an RSA 2048+ key (RS256) or an EC P-256 key (ES256).',
  });
}

function toPublicJwk(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n!, e: jwk.e! };
  return { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
}

/**
 * RFC 7638 SHA-256 thumbprint (base64url) of an RSA or EC public JWK.
 * @example
 * jwkThumbprint({ kty: 'EC', crv: 'P-256', x: '...', y: '...' })
 */
export function jwkThumbprint(jwk: PublicJwk | JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function isCryptoKey(value: unknown): value is WebCryptoKey {
  // Node 20 exposes the class as a global only (webcrypto.CryptoKey is undefined there).
  const ctor = (globalThis as { CryptoKey?: abstract new () => unknown }).CryptoKey;
  return ctor !== undefined && value instanceof ctor;
}

/**
 * A freshly generated key pair (see {@link generateKeyPair}).
 * @example
 * const { privateKeyPem, publicJwk }: GeneratedKeyPair = await generateKeyPair();
 */
export interface GeneratedKeyPair {
  /** PKCS#8 PEM of the private key. Secret: store it in a secret manager, file mode 600. */
  privateKeyPem: string;
  /** The public JWK to register on the app, with `kid` (its thumbprint), `alg` and `use: 'sig'`. */
  publicJwk: PublicJwk;
  /** The key id (RFC 7638 thumbprint). */
  kid: string;
  alg: SigningAlg;
}

const generate = promisify(generateNodeKeyPair);

/**
 * Generate a signing key pair: RSA 2048 for RS256 (the default, what the guide recommends) or EC P-256 for ES256.
 * @example
 * const { privateKeyPem, publicJwk } = await generateKeyPair({ alg: 'ES256' });
 */
export async function generateKeyPair(options: { alg?: SigningAlg } = {}): Promise<GeneratedKeyPair> {
  const alg = options.alg ?? 'RS256';
  const { privateKey } =
    alg === 'RS256'
      ? await generate('rsa', { modulusLength: MIN_RSA_BITS })
      : await generate('ec', { namedCurve: 'prime256v1' });
  const publicJwk = toPublicJwk(privateKey);
  const kid = jwkThumbprint(publicJwk);
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    kid,
    alg,
  };
}
