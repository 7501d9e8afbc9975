/**
 * `okta-m2m keys retire KID`: the last half of a rotation. Deactivates the key (clients signing with it are
 * refused from then on) and, with `--delete`, deletes it. Refuses while the key is the app's only ACTIVE key
 * (every token request would fail) or while this configuration signs with it (OKTA_KEY_ID names it, or the
 * configured private key is its pair); both refusals change nothing.
 */
import { ENV_VARIABLES } from 'okta-m2m/core';
import { CliError } from '../cli-error.js';
import { flag, type CommandContext } from '../command.js';
import { jsonText } from '../io.js';
import { keysTarget, listAppKeys, type AppKey } from '../keys/app-keys.js';
import { configuredKey, usedBecause, type ConfiguredKey } from '../keys/configured-key.js';

/** Run keys retire. */
export async function run(ctx: CommandContext): Promise<number> {
  const wanted = (ctx.args[0] ?? '').trim();
  const target = keysTarget(ctx, 'keys retire');
  const configured = configuredKey(ctx);
  const keys = await listAppKeys(target);
  const key = keys.find((k) => k.kid === wanted) ?? keys.find((k) => k.id === wanted);
  if (key === undefined) {
    throw new CliError(
      'config',
      `No key with kid ${wanted} on app ${target.appId} (registered: ${keys.map((k) => `${k.kid} (${k.status})`).join(', ') || 'none'}).`,
      'Run `okta-m2m keys list` and pass one of its kids.',
    );
  }
  const otherActive = keys.filter((k) => k !== key && k.status === 'ACTIVE');
  if (key.status === 'ACTIVE' && otherActive.length === 0) {
    throw new CliError(
      'config',
      `Refusing to retire ${key.kid}: it is the only ACTIVE key of app ${target.appId}, so every token request would fail.`,
      'Add the new key first (`okta-m2m keys rotate`), switch the clients to it, then retire this one.',
    );
  }
  if (configured.problem !== undefined) {
    throw new CliError(
      'config',
      `Refusing to retire ${key.kid}: cannot tell whether this configuration uses it (${configured.problem.message})`,
      configured.problem.hint ??
        'Fix OKTA_PRIVATE_KEY_PATH, or unset it to retire a key another client used.',
    );
  }
  const reason = usedBecause(key, configured);
  if (reason !== undefined) {
    const replacement =
      otherActive.find((k) => k.thumbprint !== undefined && k.thumbprint === configured.key?.thumbprint) ??
      otherActive.find((k) => usedBecause(k, configured) === undefined);
    throw new CliError(
      'config',
      `Refusing to retire ${key.kid}: this configuration still signs with it (${reason}).`,
      `Switch to the new key first${replacement ? ` (${switchTo(replacement.kid, configured)} and its private key)` : ''}, or run from the configuration of a client that no longer uses it.`,
    );
  }

  const remove = flag(ctx, 'delete');
  const steps: string[] = [];
  if (key.status === 'ACTIVE') steps.push('deactivate');
  if (remove) steps.push('delete');
  if (!flag(ctx, 'dryRun')) {
    if (key.status === 'ACTIVE') await target.admin.setAppKeyStatus(target.appId, key.id, 'INACTIVE');
    if (remove) await target.admin.deleteAppKey(target.appId, key.id);
  }
  report(ctx, target.appId, key, steps, remove, otherActive);
  return 0;
}

function report(
  ctx: CommandContext,
  appId: string,
  key: AppKey,
  steps: readonly string[],
  removed: boolean,
  active: readonly AppKey[],
): void {
  const dryRun = flag(ctx, 'dryRun');
  const status = removed ? 'DELETED' : 'INACTIVE';
  if (flag(ctx, 'json')) {
    ctx.io.out(
      jsonText({
        dryRun,
        appId,
        kid: key.kid,
        id: key.id,
        previousStatus: key.status,
        status,
        steps,
        activeKids: active.map((k) => k.kid),
      }),
    );
    return;
  }
  const past = { deactivate: 'deactivated', delete: 'deleted' } as Record<string, string>;
  const done =
    steps.length === 0 ? 'already INACTIVE; nothing to do' : steps.map((s) => past[s] ?? s).join(' and ');
  ctx.io.out(
    dryRun
      ? `Plan for key ${key.kid} of app ${appId} (dry run: nothing changed): ${steps.length === 0 ? 'nothing to do (already INACTIVE)' : steps.join(', then ')}.\n`
      : `Key ${key.kid} of app ${appId}: ${done}. ACTIVE keys: ${active.map((k) => k.kid).join(', ')}.\n`,
  );
  if (!dryRun && !removed)
    ctx.io.err(
      `It stays registered as INACTIVE; \`okta-m2m keys retire --delete -- ${key.kid}\` removes it.\n`,
    );
}

/**
 * Where the configuration names its kid, set to `kid`: OKTA_KEY_ID when it is set, else the `.kid` file when
 * that is where the kid comes from.
 */
function switchTo(kid: string, configured: ConfiguredKey): string {
  const from = configured.key?.kidFrom;
  return configured.keyId === undefined && from?.startsWith('the kid file ') === true
    ? `${kid} in ${from.slice('the kid file '.length)}`
    : `${ENV_VARIABLES.keyId}=${kid}`;
}
