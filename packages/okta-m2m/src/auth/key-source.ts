/**
 * A client-authentication key that may change while the client runs, so a key can be rotated without a
 * restart: a key file that is re-read when it changes (its kid by {@link keyFileKid}: a `<file>.kid` sidecar
 * naming this key's thumbprint, else the JWK's own kid, else a sidecar without thumbprint, else the configured
 * keyId while the file holds the key it was configured for, else none: Okta then accepts it only while the app
 * holds a single key), or a function that returns the current key.
 *
 * Contracts:
 * - The token provider asks {@link SigningKeySource.current} before each token request (a file costs two
 *   `stat` calls; it is read only when they changed). Tokens already issued are untouched: a new key is used
 *   from the next token request on.
 * - A source that changed but cannot be loaded (a half-written file, a public key, a failing function) never
 *   replaces the key in use: the failure is logged and counted, and the key in use stays.
 * - When Okta refuses the key ("kid is invalid", "signature is invalid"), {@link SigningKeySource.refused}
 *   re-reads the source; if that gives nothing new and the refused key is one the source switched to after an
 *   accepted one, the source goes back to that accepted key (and does not try the refused one again until the
 *   source changes or the key in use is refused in turn: then earlier refusals are forgotten and the file's
 *   key is tried again, as it may have been registered since). The caller retries with a new assertion when it
 *   answers true, a bounded number of times.
 * - Nothing of a key is logged: only its kid, the source's name and error codes.
 */
import { statSync } from 'node:fs';
import { KeyError } from '../errors.js';
import type { Logger } from '../deps.js';
import type { Metrics } from '../observability/metrics.js';
import { loadSigningKey, readPrivateKeyFile, type PrivateKeyInput, type SigningKey } from './keys.js';
import { keyFileKid, KID_SIDECAR_SUFFIX, readKidSidecar, withKid, type KeyFileKid } from './kid-sidecar.js';

/**
 * What a key function returns: the key, or the key with its kid.
 * @example
 * const result: KeyFunctionResult = { privateKey: await secrets.get('okta-key'), keyId: 'kid-2' };
 */
export type KeyFunctionResult = PrivateKeyInput | { privateKey: PrivateKeyInput; keyId?: string | undefined };

/**
 * A function that returns the current client key, called before each token request and after a refusal.
 * @example
 * const keyFunction: KeyFunction = async () => ({ privateKey: await vault.read('okta'), keyId: await vault.read('okta-kid') });
 */
export type KeyFunction = () => KeyFunctionResult | Promise<KeyFunctionResult>;

/**
 * The state of the client key, for readiness checks and status pages (no key material).
 * @example
 * const { kid, usable, problem } = client.tokens.keyStatus();
 */
export interface KeyStatus {
  /** The kid sent with the key in use; undefined while no key could be loaded. */
  kid: string | undefined;
  /** Where the key comes from: a file path or `key function`. */
  source: string;
  /** False while there is no key, or Okta refused the key in use and nothing better was found. */
  usable: boolean;
  /** Key changes seen since the start. */
  changes: number;
  /** The latest problem: a change that could not be loaded, or a key Okta refused. */
  problem: { code: string; message: string; hint: string | undefined } | undefined;
}

/**
 * A key that may change (see the module contracts).
 * @example
 * const source = fileKeySource({ path: '/run/secrets/okta.pem' });
 * const key = await source.current();
 */
export interface SigningKeySource {
  /** The key in use, without a check for a change (undefined while none could be loaded). */
  readonly key: SigningKey | undefined;
  /** The key to sign the next assertion with, after a check for a change. Throws KeyError while there is none. */
  current(): Promise<SigningKey>;
  /** Okta refused `key` as unknown or mis-signed: true when another key is now current (retry with it). */
  refused(key: SigningKey): Promise<boolean>;
  /** Okta issued a token for an assertion signed with `key`. */
  accepted(key: SigningKey): void;
  /** Re-read the source now (operator request, e.g. SIGHUP), forgetting earlier refusals: true when the key changed. */
  reload(): Promise<boolean>;
  status(): KeyStatus;
}

/** What a source reports to. */
export interface KeySourceContext {
  logger?: Logger | undefined;
  metrics?: Metrics | undefined;
}

/** Reads one side of a source: whether it may have changed, and the key it holds now. */
interface KeyReader {
  readonly name: string;
  changed(): boolean;
  read(): Promise<SigningKey>;
  /** Where the kid of the key just read came from, for hints (e.g. `the kid file …`), when it was configured. */
  kidHint?(): string | undefined;
}

/**
 * A key file re-read when it (or its `.kid` sidecar) changes. The file is read now, so a missing, loose or
 * broken file fails at start (KeyError), like a fixed key.
 * @example
 * const source = fileKeySource({ path: '/run/secrets/okta.pem', keyId: process.env.OKTA_KEY_ID }, { logger });
 */
export function fileKeySource(
  options: { path: string; keyId?: string | undefined; allowInsecureKeyFile?: boolean | undefined },
  context: KeySourceContext = {},
): SigningKeySource {
  const { path, keyId } = options;
  const sidecarPath = `${path}${KID_SIDECAR_SUFFIX}`;
  const stamp = (): string => `${fileStamp(path)}|${fileStamp(sidecarPath)}`;
  let seen = '';
  let configuredThumbprint: string | undefined;
  let kidOrigin: KeyFileKid['from'] = 'none';
  const readNow = (): SigningKey => {
    seen = stamp();
    const text = readPrivateKeyFile(path, options.allowInsecureKeyFile === true);
    const plain = loadSigningKey({ privateKey: text, source: `the key file ${path}` });
    configuredThumbprint ??= plain.thumbprint;
    // The configured keyId names the key the file held at start, not a key written there later.
    const chosen = keyFileKid(
      plain,
      readKidSidecar(sidecarPath),
      plain.thumbprint === configuredThumbprint ? keyId : undefined,
    );
    kidOrigin = chosen.from;
    if (chosen.staleSidecar !== undefined) {
      context.logger?.warn(
        { source: path, sidecar: sidecarPath, sidecarKid: chosen.staleSidecar.kid, kid: chosen.kid },
        `The kid file ${sidecarPath} names another key than the one in ${path}; its kid is not used`,
      );
    }
    return withKid(plain, chosen.kid);
  };
  const initial = readNow();
  const reader: KeyReader = {
    name: path,
    changed: () => stamp() !== seen,
    read: () => Promise.resolve().then(readNow),
    kidHint: () =>
      kidOrigin === 'sidecar'
        ? `the kid file ${sidecarPath}`
        : kidOrigin === 'keyId'
          ? 'keyId (OKTA_KEY_ID)'
          : undefined,
  };
  return new ChangingKeySource(reader, context, initial);
}

/**
 * A function that returns the current key, called before each token request. `keyId` is the kid of the first
 * key it returns when the function gives none.
 * @example
 * const source = functionKeySource(async () => ({ privateKey: await secrets.get('okta'), keyId: 'kid-2' }));
 */
export function functionKeySource(
  fn: KeyFunction,
  context: KeySourceContext = {},
  keyId?: string | undefined,
): SigningKeySource {
  let firstThumbprint: string | undefined;
  const reader: KeyReader = {
    name: 'key function',
    changed: () => true,
    read: async () => {
      let result: KeyFunctionResult;
      try {
        result = await fn();
      } catch (error) {
        throw new KeyError(`The key function failed (${(error as Error)?.name ?? 'error'}).`, {
          hint: 'Check the secret store the function reads; the key in use stays until it answers.',
        });
      }
      const wrapped: { privateKey: PrivateKeyInput; keyId?: string | undefined } = isWrapped(result)
        ? result
        : { privateKey: result };
      const source = 'the key function';
      if (wrapped.keyId !== undefined) return loadSigningKey({ ...wrapped, source });
      const plain = loadSigningKey({ privateKey: wrapped.privateKey, source });
      firstThumbprint ??= plain.thumbprint;
      // Like a file: a configured keyId names the first key, not a key returned later.
      return keyId === undefined || plain.kidSource === 'jwk' || plain.thumbprint !== firstThumbprint
        ? plain
        : loadSigningKey({ privateKey: wrapped.privateKey, keyId, source });
    },
  };
  return new ChangingKeySource(reader, context, undefined);
}

/**
 * A key that never changes, for a key given as a value.
 * @example
 * const source = fixedKeySource(loadSigningKey({ privateKey: pem }));
 */
export function fixedKeySource(key: SigningKey): SigningKeySource {
  let refused = false;
  return {
    key,
    current: () => Promise.resolve(key),
    refused: () => {
      refused = true;
      return Promise.resolve(false);
    },
    accepted: () => void (refused = false),
    reload: () => Promise.resolve(false),
    status: () => ({ kid: key.kid, source: 'privateKey', usable: !refused, changes: 0, problem: undefined }),
  };
}

class ChangingKeySource implements SigningKeySource {
  readonly #reader: KeyReader;
  readonly #log: Logger | undefined;
  readonly #metrics: Metrics | undefined;
  #key: SigningKey | undefined;
  /** The last key Okta accepted, kept while the current key is unconfirmed. */
  #fallback: SigningKey | undefined;
  #confirmed = false;
  #refusedIds = new Set<string>();
  #unusable = false;
  #changes = 0;
  #problem: KeyError | undefined;
  #loading: Promise<boolean> | undefined;

  constructor(reader: KeyReader, context: KeySourceContext, initial: SigningKey | undefined) {
    this.#reader = reader;
    this.#log = context.logger;
    this.#metrics = context.metrics;
    this.#key = initial;
    if (initial !== undefined) this.#metrics?.keyEvent({ event: 'loaded', kid: initial.kid });
  }

  get key(): SigningKey | undefined {
    return this.#key;
  }

  async current(): Promise<SigningKey> {
    if (this.#key === undefined || this.#reader.changed()) await this.#load();
    if (this.#key === undefined) {
      throw (
        this.#problem ??
        new KeyError(`No client key could be loaded from ${this.#reader.name}.`, {
          hint: 'Check the key source.',
        })
      );
    }
    return this.#key;
  }

  async refused(key: SigningKey): Promise<boolean> {
    if (key !== this.#key) {
      // Another request already moved on: retry with the current key unless it was refused too.
      this.#refusedIds.add(identity(key));
      return this.#key !== undefined && !this.#refusedIds.has(identity(this.#key));
    }
    // The key in use was refused: what Okta accepts has changed (a key registered or retired since), so earlier
    // refusals of other keys no longer hold; the file's key is tried again (the caller bounds the retries).
    this.#refusedIds = new Set([identity(key)]);
    this.#metrics?.keyEvent({ event: 'refused', kid: key.kid });
    if (await this.#load()) return true;
    const fallback = this.#fallback;
    if (fallback !== undefined && !this.#refusedIds.has(identity(fallback))) {
      this.#key = fallback;
      this.#fallback = undefined;
      this.#confirmed = true;
      this.#problem = new KeyError(
        `Okta refused the key ${describeKey(key)} from ${this.#reader.name}: it matches no ACTIVE key registered on the app. The previous key ${describeKey(fallback)} stays in use while Okta accepts it.`,
        {
          hint: "Register the new key's public JWK on the app (okta-m2m keys rotate adds and writes it in one step), or put back a registered key.",
        },
      );
      this.#metrics?.keyEvent({ event: 'reverted', kid: fallback.kid, previousKid: key.kid });
      this.#log?.error(
        { kid: fallback.kid, refusedKid: key.kid, source: this.#reader.name, code: this.#problem.code },
        this.#problem.message,
      );
      return true;
    }
    this.#unusable = true;
    const kidFrom = this.#reader.kidHint?.();
    this.#problem = new KeyError(
      `Okta refused the client key ${describeKey(key)} from ${this.#reader.name}, and the source holds no other key.`,
      {
        hint: `Register the public key on the app under this kid and ACTIVE, or replace the key source with a registered key${kidFrom === undefined ? '' : ` (the kid comes from ${kidFrom}: check it names the registered key)`}.`,
      },
    );
    return false;
  }

  accepted(key: SigningKey): void {
    if (key !== this.#key) return;
    this.#unusable = false;
    if (!this.#confirmed) {
      this.#confirmed = true;
      this.#fallback = undefined;
    }
  }

  async reload(): Promise<boolean> {
    this.#refusedIds.clear();
    return this.#load();
  }

  status(): KeyStatus {
    const p = this.#problem;
    return {
      kid: this.#key?.kid,
      source: this.#reader.name,
      usable: this.#key !== undefined && !this.#unusable,
      changes: this.#changes,
      problem: p === undefined ? undefined : { code: p.code, message: p.message, hint: p.hint },
    };
  }

  /** Read the source once (concurrent callers share the read); true when the key in use changed. */
  #load(): Promise<boolean> {
    this.#loading ??= this.#read().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #read(): Promise<boolean> {
    let next: SigningKey;
    try {
      next = await this.#reader.read();
    } catch (error) {
      if (!(error instanceof KeyError)) throw error;
      this.#problem = error;
      this.#metrics?.keyEvent({ event: 'load-failed', kid: this.#key?.kid });
      this.#log?.warn(
        { source: this.#reader.name, kid: this.#key?.kid, code: error.code, reason: error.message },
        this.#key === undefined
          ? 'The client key cannot be loaded'
          : 'The client key source changed but cannot be loaded; the key in use stays',
      );
      return false;
    }
    const current = this.#key;
    if (current !== undefined && identity(next) === identity(current)) return false;
    if (this.#refusedIds.has(identity(next))) return false;
    // A key Okta has just refused is no key to go back to.
    this.#fallback =
      current !== undefined && this.#confirmed && !this.#refusedIds.has(identity(current))
        ? current
        : this.#confirmed
          ? undefined
          : this.#fallback;
    this.#key = next;
    this.#confirmed = false;
    this.#unusable = false;
    this.#problem = undefined;
    if (current === undefined) {
      this.#metrics?.keyEvent({ event: 'loaded', kid: next.kid });
      return true;
    }
    this.#changes++;
    this.#metrics?.keyEvent({ event: 'changed', kid: next.kid, previousKid: current.kid });
    this.#log?.info(
      { kid: next.kid, previousKid: current.kid, source: this.#reader.name },
      'Client key changed; the next token request signs with it',
    );
    return true;
  }
}

/** A key as messages name it: its kid, or its public-key thumbprint when it is sent without one. */
function describeKey(key: SigningKey): string {
  return key.kid ?? `without kid (public key thumbprint ${key.thumbprint})`;
}

function identity(key: SigningKey): string {
  return `${key.thumbprint} ${key.kid}`;
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

function isWrapped(
  value: KeyFunctionResult,
): value is { privateKey: PrivateKeyInput; keyId?: string | undefined } {
  return typeof value === 'object' && value !== null && 'privateKey' in value;
}
