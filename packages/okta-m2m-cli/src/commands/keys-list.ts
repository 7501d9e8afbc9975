/**
 * `okta-m2m keys list`: the app's registered public keys (kid, status, created, algorithm), with the one this
 * configuration signs with marked. Needs OKTA_API_TOKEN, the org URL and the app's client ID.
 */
import Table from 'cli-table3';
import { flag, type CommandContext } from '../command.js';
import { jsonText } from '../io.js';
import { keysTarget, listAppKeys } from '../keys/app-keys.js';
import { configuredKey, usedBecause } from '../keys/configured-key.js';

/** Run keys list. */
export async function run(ctx: CommandContext): Promise<number> {
  const target = keysTarget(ctx, 'keys list');
  const configured = configuredKey(ctx);
  const keys = (await listAppKeys(target)).map((k) => ({
    ...k,
    inUse: usedBecause(k, configured) !== undefined,
  }));
  if (flag(ctx, 'json')) {
    ctx.io.out(jsonText({ appId: target.appId, orgUrl: target.orgUrl, keys }));
    return 0;
  }
  const table = new Table({
    head: ['kid', 'status', 'created', 'alg', 'id', 'in use'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const k of keys) {
    table.push([k.kid, k.status, k.created ?? '', k.alg ?? k.kty ?? '', k.id, k.inUse ? 'yes' : '']);
  }
  ctx.io.out(`${table.toString()}\n`);
  const active = keys.filter((k) => k.status === 'ACTIVE').length;
  ctx.io.err(`${keys.length} key(s) on app ${target.appId}, ${active} ACTIVE.\n`);
  if (configured.problem !== undefined) {
    ctx.io.err(`warning: cannot tell which key this configuration uses: ${configured.problem.message}\n`);
  }
  return 0;
}
