/**
 * Which registered key this configuration signs with: the kid in OKTA_KEY_ID (`--key-id`), and the private
 * key in OKTA_PRIVATE_KEY_PATH (`--private-key-path`) or OKTA_PRIVATE_KEY, matched to a registered key by its
 * public-key thumbprint and by the kid the library would send (the library's own rule, `keyFileKid`: a
 * `<key file>.kid` sidecar naming this key's thumbprint, else the JWK's own kid, else a sidecar without
 * thumbprint, else OKTA_KEY_ID). `keys list` marks that key, `keys rotate` reports it as the previous one and
 * `keys retire` refuses it.
 */
import { resolve } from 'node:path';
import { KeyError, keyFileKid, KID_SIDECAR_SUFFIX, loadSigningKey, readKidSidecar } from 'okta-m2m';
import { ENV_VARIABLES } from 'okta-m2m/core';
import type { CommandContext } from '../command.js';
import type { AppKey } from './app-keys.js';

/** What the configuration says about its signing key. */
export interface ConfiguredKey {
  /** OKTA_KEY_ID / `--key-id`, when set. */
  keyId: string | undefined;
  /** The configured key file, when one is set (resolved against the working directory). */
  privateKeyPath: string | undefined;
  /**
   * The private key that was read: where from, its thumbprint, the kid the library sends with it (if any) and
   * where that kid comes from (the `.kid` file, the JWK, OKTA_KEY_ID).
   */
  key:
    { source: string; thumbprint: string; kid: string | undefined; kidFrom: string | undefined } | undefined;
  /** Why the configured private key could not be read (a KeyError's message), if it could not. */
  problem: { message: string; hint: string | undefined } | undefined;
}

/**
 * Read the configured key id and private key (never printing the key).
 * @example
 * const configured = configuredKey(ctx);
 */
export function configuredKey(ctx: CommandContext): ConfiguredKey {
  const env = ctx.settings.env;
  const keyId = nonEmpty(env[ENV_VARIABLES.keyId]);
  const pathSetting = nonEmpty(env[ENV_VARIABLES.privateKeyPath]);
  const privateKeyPath = pathSetting === undefined ? undefined : resolve(ctx.cwd, pathSetting);
  const inline = nonEmpty(env[ENV_VARIABLES.privateKey]);
  const base = { keyId, privateKeyPath, key: undefined, problem: undefined };
  if (privateKeyPath === undefined && inline === undefined) return base;
  try {
    const loaded = loadSigningKey({
      ...(privateKeyPath === undefined
        ? { privateKey: inline?.replace(/\\n/g, '\n'), source: ENV_VARIABLES.privateKey }
        : { privateKeyPath }),
      allowInsecureKeyFile: /^(1|true|yes)$/i.test(env[ENV_VARIABLES.allowInsecureKeyFile] ?? ''),
    });
    const sidecarPath = privateKeyPath === undefined ? undefined : `${privateKeyPath}${KID_SIDECAR_SUFFIX}`;
    const { kid, from } = keyFileKid(
      loaded,
      sidecarPath === undefined ? undefined : readKidSidecar(sidecarPath),
      keyId,
    );
    const kidFrom =
      from === 'sidecar'
        ? `the kid file ${sidecarPath}`
        : from === 'jwk'
          ? 'the JWK'
          : from === 'keyId'
            ? ENV_VARIABLES.keyId
            : undefined;
    return {
      ...base,
      key: {
        source: privateKeyPath ?? ENV_VARIABLES.privateKey,
        thumbprint: loaded.thumbprint,
        kid,
        kidFrom,
      },
    };
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    return { ...base, problem: { message: error.message, hint: error.hint } };
  }
}

/**
 * Why this configuration uses `key`, or undefined when it does not.
 * @example
 * usedBecause(key, configured) // 'OKTA_KEY_ID names it'
 */
export function usedBecause(key: AppKey, configured: ConfiguredKey): string | undefined {
  if (configured.keyId !== undefined && configured.keyId === key.kid)
    return `${ENV_VARIABLES.keyId} names it`;
  if (configured.key === undefined) return undefined;
  if (key.thumbprint !== undefined && key.thumbprint === configured.key.thumbprint)
    return `it is the public key of ${configured.key.source}`;
  if (configured.key.kid !== undefined && configured.key.kid === key.kid)
    return `${configured.key.source} is sent with its kid, from ${configured.key.kidFrom ?? 'its configuration'}`;
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}
