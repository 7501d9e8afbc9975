/**
 * `okta-m2m keys rotate`: the first half of a rotation without downtime. Generates a key pair, adds its
 * public key to the app ACTIVE beside the current one (so clients signing with either key keep working),
 * then writes the kid and the key's thumbprint next to the key file (`<file>.kid`, `kid thumbprint`) and replaces
 * the private key file, each atomically (mode 600; the old kid file is put back when the key cannot be
 * written), so a service that watches the file switches on its next token. Prints the new OKTA_KEY_ID and the next steps;
 * the old key is retired later with `keys retire`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair, KID_SIDECAR_SUFFIX, kidSidecarText, type SigningAlg } from 'okta-m2m';
import { ENV_VARIABLES } from 'okta-m2m/core';
import { CliError } from '../cli-error.js';
import { flag, stringOption, type CommandContext } from '../command.js';
import { jsonText } from '../io.js';
import { replaceFileAtomically } from '../key-files.js';
import { keysTarget, listAppKeys } from '../keys/app-keys.js';
import { configuredKey, usedBecause } from '../keys/configured-key.js';

/** Run keys rotate. */
export async function run(ctx: CommandContext): Promise<number> {
  const target = keysTarget(ctx, 'keys rotate');
  const configured = configuredKey(ctx);
  const out = stringOption(ctx, 'out');
  const privateKeyPath = out === undefined ? configured.privateKeyPath : resolve(ctx.cwd, out);
  if (privateKeyPath === undefined) {
    throw new CliError(
      'usage',
      'keys rotate needs a file for the new private key.',
      `Pass --out PATH, or set ${ENV_VARIABLES.privateKeyPath} to replace the configured key file in place.`,
    );
  }
  const replacesConfigured = privateKeyPath === configured.privateKeyPath;
  if (!replacesConfigured && existsSync(privateKeyPath) && !flag(ctx, 'force')) {
    throw new CliError(
      'usage',
      `${privateKeyPath} already exists and is not the configured key file; refusing to overwrite it.`,
      'Choose another path with --out, or pass --force to replace it.',
    );
  }
  const kidPath = `${privateKeyPath}${KID_SIDECAR_SUFFIX}`;
  const alg = (stringOption(ctx, 'alg') ?? 'RS256') as SigningAlg;
  const before = await listAppKeys(target);
  const previous = before.filter((k) => usedBecause(k, configured) !== undefined).map((k) => k.kid);
  const activeBefore = before.filter((k) => k.status === 'ACTIVE').map((k) => k.kid);

  if (flag(ctx, 'dryRun')) {
    const plan = {
      dryRun: true,
      appId: target.appId,
      alg,
      privateKeyPath,
      kidPath,
      replacesConfiguredKeyFile: replacesConfigured,
      previousKids: previous,
      activeKids: activeBefore,
      steps: [
        `generate an ${alg} key pair`,
        `add its public key ACTIVE to app ${target.appId} (now ${before.length} key(s), ${activeBefore.length} ACTIVE)`,
        `write the private key to ${privateKeyPath} (mode 600, atomic replace) and its kid to ${kidPath}`,
      ],
    };
    if (flag(ctx, 'json')) ctx.io.out(jsonText(plan));
    else
      ctx.io.out(
        `Plan for app ${target.appId} (dry run: nothing changed):\n${plan.steps.map((s) => `  ${s}`).join('\n')}\nRun without --dry-run to apply.\n`,
      );
    return 0;
  }

  const pair = await generateKeyPair({ alg });
  const added = await target.admin.addAppKey(target.appId, { ...pair.publicJwk }, 'ACTIVE');
  // The kid first, with the new key's thumbprint: a reader that sees the new key file finds its kid already in
  // place, and one that reads the new kid file beside the old key ignores it (the thumbprints differ).
  const previousKidFile = readIfPresent(kidPath);
  try {
    replaceFileAtomically(kidPath, kidSidecarText(pair.kid, pair.kid), 0o600);
    try {
      replaceFileAtomically(privateKeyPath, pair.privateKeyPem, 0o600);
    } catch (error) {
      // The key file is unchanged: put its kid file back as it was.
      if (previousKidFile === undefined) rmSync(kidPath, { force: true });
      else replaceFileAtomically(kidPath, previousKidFile, 0o600);
      throw error;
    }
  } catch (error) {
    throw new CliError(
      'config',
      `The new key ${pair.kid} was added to app ${target.appId}, but its private key could not be written: ${(error as Error).message}`,
      `Fix the path and run again, then remove the unused key: okta-m2m keys retire --delete -- ${pair.kid}`,
    );
  }
  const env = { [ENV_VARIABLES.keyId]: pair.kid, [ENV_VARIABLES.privateKeyPath]: privateKeyPath };
  const next = nextSteps(pair.kid, previous, privateKeyPath, replacesConfigured, configured.keyId);
  const result = {
    dryRun: false,
    appId: target.appId,
    kid: pair.kid,
    id: typeof added['id'] === 'string' ? added['id'] : undefined,
    alg,
    status: 'ACTIVE',
    privateKeyPath,
    kidPath,
    replacesConfiguredKeyFile: replacesConfigured,
    previousKids: previous,
    activeKids: [...activeBefore, pair.kid],
    env,
    next,
  };
  if (flag(ctx, 'json')) {
    ctx.io.out(jsonText(result));
    return 0;
  }
  ctx.io.out(
    `Added key ${pair.kid} (${alg}, ACTIVE) to app ${target.appId}; ACTIVE keys now: ${result.activeKids.join(', ')}.\n` +
      `Private key: ${privateKeyPath} (mode 600, replaced atomically); kid: ${kidPath}\n\n` +
      `export ${ENV_VARIABLES.keyId}=${pair.kid}\nexport ${ENV_VARIABLES.privateKeyPath}=${privateKeyPath}\n\n` +
      `Next:\n${next.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`,
  );
  return 0;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function nextSteps(
  kid: string,
  previous: readonly string[],
  path: string,
  replacesConfigured: boolean,
  configuredKeyId: string | undefined,
): string[] {
  const old = previous.length > 0 ? previous.join(' ') : 'OLD_KID';
  return [
    replacesConfigured
      ? `Services that watch ${path} (or get SIGHUP) sign their next token with ${kid}; restart the others.`
      : `Give every client the new key: ${ENV_VARIABLES.privateKeyPath}=${path} ${ENV_VARIABLES.keyId}=${kid} (or copy the file over the key file they watch, with its .kid file).`,
    configuredKeyId !== undefined && configuredKeyId !== kid
      ? `Set ${ENV_VARIABLES.keyId}=${kid} wherever ${ENV_VARIABLES.keyId}=${configuredKeyId} is configured (or remove it: the .kid file names the key).`
      : `Check with \`okta-m2m token\` that the new key works.`,
    `When no client signs with the old key any more (tokens already issued stay valid until they expire): okta-m2m keys retire --delete -- ${old}`,
  ];
}
