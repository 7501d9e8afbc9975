/**
 * Doctor's checks through the library itself: the token request (the OAuth error explained), DPoP, the scopes
 * the token carries, a read probe, a read of a given user (resource set), and an optional write probe that
 * renames a user and restores the name. A 403 is told apart: insufficient_scope (a scope grant) from
 * E0000006 on the listing (no admin role that may view users) from E0000006 on one user while the listing
 * works (the role's resource set does not cover that user).
 */
import { DpopError, OAuthError, OktaApiError, OktaM2MError, type OktaClient, type TokenInfo } from 'okta-m2m';
import { kindOf } from '../exit-codes.js';
import type { Findings } from './finding.js';

const SCOPE_HINT = (scope: string): string =>
  `Grant ${scope} on the app's Okta API Scopes tab (or run \`okta-m2m setup\`), then get a new token.`;
const ROLE_HINT =
  'Assign the app a custom admin role with "View users" and "Edit users\' profile attributes" over a resource set of the users (app → Admin roles), or run `okta-m2m setup`.';
const RESOURCE_SET_HINT =
  "Add the user (or their group, or all users) to the role's resource set (Security → Administrators → Resources), or act only on users inside it.";

/**
 * The token request. Returns the client's token when it succeeded.
 * @example
 * const token = await checkToken(findings, client, 'auto');
 */
export async function checkToken(
  findings: Findings,
  client: OktaClient,
  dpopMode: 'auto' | boolean,
): Promise<TokenInfo | undefined> {
  try {
    const token = await client.tokens.warmUp();
    findings.pass('token', `${token.type} token, expires ${new Date(token.expiresAt).toISOString()}`);
    if (token.type === 'DPoP') {
      findings.pass(
        'dpop',
        `the app requires DPoP-bound tokens; proofs accepted (OKTA_DPOP=${String(dpopMode)})`,
      );
    } else {
      findings.pass('dpop', 'the app issues Bearer tokens (DPoP not required)');
    }
    return token;
  } catch (error) {
    if (!(error instanceof OktaM2MError)) throw error;
    const dpopDemanded =
      (error instanceof OAuthError || error instanceof DpopError) &&
      (error.error === 'invalid_dpop_proof' || error.error === 'use_dpop_nonce');
    if (dpopDemanded && dpopMode === false) {
      findings.fail('token', `refused: ${describe(error)}`, 'See the dpop finding.');
      findings.fail(
        'dpop',
        'The app requires DPoP-bound tokens, but DPoP is turned off (OKTA_DPOP=false).',
        'Set OKTA_DPOP=auto (or true), or turn off "Require DPoP header in token requests" on the app (okta-m2m setup --no-dpop).',
      );
      return undefined;
    }
    findings.fail('token', `refused: ${describe(error)}`, error.hint, kindOf(error));
    return undefined;
  }
}

/**
 * The scopes granted to the token.
 * @example
 * checkScopes(findings, token);
 */
export function checkScopes(
  findings: Findings,
  token: { scopes: readonly string[]; missingScopes: readonly string[] },
): void {
  if (token.missingScopes.length > 0) {
    findings.fail(
      'scopes',
      `not granted to the app: ${token.missingScopes.join(', ')} (the token carries ${token.scopes.join(' ') || 'none'})`,
      SCOPE_HINT(token.missingScopes.join(' and ')),
    );
  } else {
    findings.pass('scopes', `granted: ${token.scopes.join(' ')}`);
  }
}

/**
 * A read probe (list one user), and with `user` a read of that user. Returns true when the listing worked.
 * @example
 * await checkRead(findings, client, 'ada@example.com');
 */
export async function checkRead(
  findings: Findings,
  client: OktaClient,
  user: string | undefined,
): Promise<boolean> {
  try {
    let count = 0;
    for await (const page of client.users.pages({ limit: 1 })) {
      count = page.users.length;
      break;
    }
    findings.pass('read-probe', `GET /api/v1/users?limit=1 answered ${count} user${count === 1 ? '' : 's'}`);
  } catch (error) {
    explainApiFailure(findings, 'read-probe', error, 'okta.users.read', undefined);
    return false;
  }
  if (user !== undefined) {
    try {
      const found = await client.users.get(user);
      findings.pass('read-user', `GET /api/v1/users/${user} answered ${found.id}`);
    } catch (error) {
      explainApiFailure(findings, 'read-user', error, 'okta.users.read', user);
    }
  }
  return true;
}

/**
 * Rename a user (a marker in the last name) and restore the original names; fails loudly if restoring fails.
 * @example
 * await checkWrite(findings, client, '00u1');
 */
export async function checkWrite(findings: Findings, client: OktaClient, user: string): Promise<void> {
  let id: string;
  let firstName: string;
  let lastName: string;
  try {
    const found = await client.users.get(user);
    id = found.id;
    firstName = String(found.profile.firstName ?? '');
    lastName = String(found.profile.lastName ?? '');
  } catch (error) {
    explainApiFailure(findings, 'write-probe', error, 'okta.users.read', user);
    return;
  }
  const marker = `${lastName.slice(0, 38)} (probe)`;
  try {
    await client.users.updateName(id, { firstName: firstName || 'Probe', lastName: marker });
  } catch (error) {
    explainApiFailure(findings, 'write-probe', error, 'okta.users.manage', user, true);
    return;
  }
  try {
    const restored = await client.users.updateName(id, { firstName, lastName });
    if (restored.profile.firstName !== firstName || restored.profile.lastName !== lastName)
      throw new Error('names differ');
    findings.pass('write-probe', `renamed ${id} and restored "${firstName} ${lastName}"`);
  } catch (error) {
    findings.fail(
      'write-probe',
      `renamed ${id} but could not restore its name (${(error as Error).message}); it was "${firstName} ${lastName}".`,
      `Restore it: okta-m2m users set-name ${id} --first '${firstName}' --last '${lastName}'`,
      'api',
    );
  }
}

function explainApiFailure(
  findings: Findings,
  check: string,
  error: unknown,
  scope: string,
  user: string | undefined,
  writing = false,
): void {
  if (!(error instanceof OktaM2MError)) throw error;
  if (error instanceof OktaApiError && error.status === 403) {
    if (error.challenge?.params['error'] === 'insufficient_scope') {
      const needed = error.challenge.params['scope'] ?? scope;
      findings.fail(check, `403 insufficient_scope: the token lacks ${needed}.`, SCOPE_HINT(needed));
      return;
    }
    if (error.errorCode === 'E0000006') {
      if (user === undefined) {
        findings.fail(
          check,
          '403 E0000006 on the user listing: the app has no admin role that may view users.',
          ROLE_HINT,
        );
      } else if (writing) {
        findings.fail(
          check,
          `403 E0000006 writing ${user}: the admin role may read this user but not edit profiles (or its resource set does not cover them).`,
          'Add "Edit users\' profile attributes" to the custom role, and check the resource set holds the user.',
        );
      } else {
        findings.fail(
          check,
          `403 E0000006 on ${user} while the listing works: the admin role's resource set does not cover this user.`,
          RESOURCE_SET_HINT,
        );
      }
      return;
    }
  }
  if (error instanceof OktaApiError && error.status === 404) {
    findings.fail(
      check,
      `No user ${user ?? ''} in this org (404 ${error.errorCode ?? ''}).`.replace(/\s+\)/, ')'),
      'Pass an existing user id or login.',
      'api',
    );
    return;
  }
  findings.fail(check, describe(error), error.hint, kindOf(error));
}

function describe(error: OktaM2MError): string {
  if (error instanceof OAuthError) {
    return `${error.status} ${error.error}${error.errorDescription ? `: ${error.errorDescription}` : ''}`;
  }
  return error.message;
}
