/**
 * `okta-m2m demo`: the guide end to end with no Okta settings. It starts the emulator in this process, runs
 * setup (Bearer tokens first), gets a token, lists, reads and renames a user, removes the app's admin role to
 * provoke a 403 and lets doctor diagnose it, restores the role with setup, then turns DPoP on and makes the
 * same calls with DPoP-bound tokens. Every step is narrated on stdout; --json prints a summary instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOktaClient, fromEnv, OktaApiError, type OktaClient } from 'okta-m2m';
import { startEmulator } from 'okta-emulator';
import { ManagementClient } from '../admin/management-client.js';
import { setUpServiceApp, type SetupRequest } from '../admin/service-app-setup.js';
import { flag, type CommandContext } from '../command.js';
import { formatFindings } from '../doctor/finding.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { jsonText } from '../io.js';
import { API_TOKEN_VARIABLE } from '../settings.js';
import { usersTable } from '../user-format.js';
import { envFor, formatSetup } from './setup.js';

interface DemoStep {
  step: string;
  ok: boolean;
  detail: string;
}

/** Run demo. */
export async function run(ctx: CommandContext): Promise<number> {
  const json = flag(ctx, 'json');
  const say = (text: string): void => {
    if (!json) ctx.io.out(text);
  };
  const steps: DemoStep[] = [];
  const record = (step: string, ok: boolean, detail: string): void => void steps.push({ step, ok, detail });
  const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-demo-'));
  const emu = await startEmulator({ seedUsers: 8, seed: 42 });
  try {
    say(`== 0. A local Okta emulator at ${emu.url} (NOT Okta: development keys only)\n\n`);
    const admin = new ManagementClient({ orgUrl: new URL(emu.url), apiToken: emu.adminToken });
    const request: SetupRequest = {
      label: 'okta-m2m demo',
      privateKeyPath: join(dir, 'okta-m2m-demo.pem'),
      alg: 'RS256',
      groups: [],
      dpop: false,
      dryRun: false,
    };

    say('== 1. okta-m2m setup --name "okta-m2m demo" --no-dpop   (guide steps 1-4)\n');
    const setup = await setUpServiceApp(admin, request);
    const env = envFor(setup);
    say(`${formatSetup(setup, env)}\n`);
    record(
      'setup',
      true,
      `app ${setup.clientId}, ${setup.steps.filter((s) => s.action !== 'exists').length} objects created`,
    );
    const settingsFor = (extra: Record<string, string>) => ({
      env: { ...env, ...extra },
      envFile: undefined,
    });

    say('== 2. The guide with Bearer tokens\n');
    const userId = await guideCalls(emu.url, { ...env }, say, record, 'bearer');

    say(`== 3. A deliberate 403: remove the app's admin role, then call the Users API\n`);
    const assignments = await admin.clientRoles(setup.clientId as string);
    for (const a of assignments)
      await admin.request(
        'DELETE',
        `/oauth2/v1/clients/${setup.clientId as string}/roles/${String(a['id'])}`,
      );
    say(`  removed ${assignments.length} role assignment(s) from ${setup.clientId as string}\n`);
    const broken = createOktaClient(fromEnv(env));
    try {
      await broken.users.get(userId);
      record('403 without a role', false, 'the call unexpectedly succeeded');
      say('  unexpected: the call succeeded\n');
    } catch (error) {
      if (!(error instanceof OktaApiError)) throw error;
      say(`  okta-m2m users get ${userId}\n  -> ${error.message}\n     fix: ${error.hint ?? ''}\n`);
      record('403 without a role', error.status === 403, `${error.status} ${error.errorCode ?? ''}`);
    } finally {
      await broken.close();
    }
    say(`\n  okta-m2m doctor --user ${userId}   (with ${API_TOKEN_VARIABLE})\n`);
    const findings = await runDoctor(settingsFor({ [API_TOKEN_VARIABLE]: emu.adminToken }), { user: userId });
    say(indent(formatFindings(findings.list)));
    const diagnosed = findings.list.some((f) => f.check === 'admin-role' && f.status === 'fail');
    record(
      'doctor diagnoses the missing role',
      diagnosed,
      findings.list
        .filter((f) => f.status === 'fail')
        .map((f) => f.check)
        .join(', '),
    );

    say('\n  okta-m2m setup --name "okta-m2m demo"   (run again: it restores only what is missing)\n');
    const repaired = await setUpServiceApp(admin, { ...request, dpop: undefined });
    say(indent(formatSetup(repaired, envFor(repaired)).split('\n\n')[0] as string) + '\n');
    record(
      'setup restores the role',
      repaired.steps.some((s) => s.step === 'role assignment' && s.action === 'create'),
      'role assignment created',
    );

    say('\n== 4. The same calls with DPoP: okta-m2m setup --dpop, then OKTA_DPOP=auto\n');
    const dpopSetup = await setUpServiceApp(admin, { ...request, dpop: true });
    say(indent(formatSetup(dpopSetup, envFor(dpopSetup)).split('\n\n')[0] as string) + '\n\n');
    await guideCalls(emu.url, { ...envFor(dpopSetup), OKTA_DPOP: 'auto' }, say, record, 'dpop');

    const ok = steps.every((s) => s.ok);
    if (json) ctx.io.out(jsonText({ ok, orgUrl: emu.url, clientId: setup.clientId, steps }));
    else
      say(
        ok
          ? '== Done: every step behaved as the guide says.\n'
          : '== Some steps did not behave as expected (see above).\n',
      );
    return ok ? 0 : 1;
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Token, list, get, rename (and restore) with the given environment; returns the user id used. */
async function guideCalls(
  _url: string,
  env: Record<string, string>,
  say: (text: string) => void,
  record: (step: string, ok: boolean, detail: string) => void,
  label: string,
): Promise<string> {
  const client: OktaClient = createOktaClient(fromEnv(env));
  try {
    say('  okta-m2m token\n');
    const token = await client.tokens.warmUp();
    say(
      `  -> ${token.type} token, expires ${new Date(token.expiresAt).toISOString()}, scopes ${token.scopes.join(' ')}\n\n`,
    );
    record(`${label}: token`, token.type === (label === 'dpop' ? 'DPoP' : 'Bearer'), token.type);

    say('  okta-m2m users list --limit 3\n');
    const users = [];
    for await (const page of client.users.pages({ limit: 3 })) {
      users.push(...page.users);
      break;
    }
    say(indent(usersTable(users)));
    record(`${label}: users list`, users.length > 0, `${users.length} users`);
    const first = users[0];
    if (first === undefined) throw new Error('The emulator returned no users.');

    say(`\n  okta-m2m users get ${first.id}\n`);
    const user = await client.users.get(first.id);
    say(
      `  -> ${user.id} ${String(user.profile.login)} "${String(user.profile.firstName)} ${String(user.profile.lastName)}" ${user.status}\n`,
    );
    record(`${label}: users get`, user.id === first.id, user.id);

    const original = { firstName: String(user.profile.firstName), lastName: String(user.profile.lastName) };
    say(`\n  okta-m2m users set-name ${user.id} --first Ada --last Lovelace\n`);
    const renamed = await client.users.updateName(user.id, { firstName: 'Ada', lastName: 'Lovelace' });
    say(
      `  -> now "${String(renamed.profile.firstName)} ${String(renamed.profile.lastName)}", login still ${String(renamed.profile.login)}\n`,
    );
    await client.users.updateName(user.id, original);
    say(`  (restored "${original.firstName} ${original.lastName}")\n\n`);
    record(
      `${label}: users set-name`,
      renamed.profile.lastName === 'Lovelace' && renamed.profile.login === user.profile.login,
      'renamed and restored',
    );
    return user.id;
  } finally {
    await client.close();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}
