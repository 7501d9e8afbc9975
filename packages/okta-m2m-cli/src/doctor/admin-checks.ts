/**
 * Doctor's checks that read the app's side through the Management API (only with OKTA_API_TOKEN): that the
 * private key matches a public key registered on the app under the configured kid, and which admin roles the
 * app holds and whether their resource sets cover a given user.
 */
import { CliError } from '../cli-error.js';
import { thumbprintOf } from '../admin/jwk.js';
import type { Json, ManagementClient } from '../admin/management-client.js';
import { ROLE_PERMISSIONS } from '../admin/service-app-setup.js';
import type { Findings } from './finding.js';

/** Roles that may read users and edit profiles over every user. */
const STANDARD_USER_ADMINS = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);

/**
 * Compare the configured key with the app's registered JWKS.
 * @example
 * await checkRegisteredKey(findings, admin, clientId, { kid, thumbprint });
 */
export async function checkRegisteredKey(
  findings: Findings,
  admin: ManagementClient,
  clientId: string,
  key: { kid: string | undefined; thumbprint: string },
): Promise<void> {
  const check = 'registered-key';
  let keys: Json[];
  try {
    keys = await admin.appKeys(clientId);
  } catch (error) {
    failFromAdmin(findings, check, error, clientId);
    return;
  }
  const byThumbprint = keys.find((k) => thumbprintOf(k) === key.thumbprint);
  const byKid = keys.find((k) => k['kid'] === key.kid);
  const kids = keys.map((k) => `${String(k['kid'])} (${String(k['status'])})`).join(', ') || 'none';
  if (key.kid === undefined && byThumbprint !== undefined) {
    // No kid is sent: Okta accepts that only while the app has a single key.
    if (keys.length === 1 && byThumbprint['status'] === 'ACTIVE')
      findings.pass(
        check,
        `the private key matches the app's only key ${String(byThumbprint['kid'])} (no kid sent)`,
      );
    else
      findings.fail(
        check,
        `No key id is configured and the app has ${keys.length} keys (registered: ${kids}): Okta requires a kid in the assertion when an app has several keys.`,
        `Set OKTA_KEY_ID=${String(byThumbprint['kid'])}.`,
        'config',
      );
    return;
  }
  if (byThumbprint !== undefined && byThumbprint['kid'] === key.kid) {
    if (byThumbprint['status'] === 'ACTIVE')
      findings.pass(check, `the private key matches the app's ACTIVE key ${key.kid}`);
    else
      findings.fail(
        check,
        `The key ${key.kid} is registered but ${String(byThumbprint['status'])}.`,
        'Activate it: app → General → Client Credentials (or POST .../credentials/jwks/{id}/lifecycle/activate).',
        'config',
      );
  } else if (byThumbprint !== undefined) {
    findings.fail(
      check,
      `Wrong kid: the private key is registered on the app as ${String(byThumbprint['kid'])}, but OKTA_KEY_ID is ${key.kid}.`,
      `Set OKTA_KEY_ID=${String(byThumbprint['kid'])}.`,
      'config',
    );
  } else if (byKid !== undefined) {
    findings.fail(
      check,
      `The private key does not match the public key registered under kid ${key.kid}: it is another key (another app's, or an old one).`,
      "Use the private key of the key pair registered on this app, or register this key's public JWK (okta-m2m setup --key FILE).",
      'config',
    );
  } else {
    findings.fail(
      check,
      `Neither the kid ${key.kid ?? '(none configured)'} nor the private key is registered on the app ${clientId} (registered: ${kids}).`,
      "Register the key's public JWK (okta-m2m keygen prints it; okta-m2m setup --key FILE registers it), or fix OKTA_CLIENT_ID.",
      'config',
    );
  }
}

/**
 * Which admin roles the app holds, and (with `user`) whether their resource sets cover that user.
 * @example
 * await checkAdminRole(findings, admin, clientId, userId);
 */
export async function checkAdminRole(
  findings: Findings,
  admin: ManagementClient,
  clientId: string,
  user: string | undefined,
): Promise<void> {
  const check = 'admin-role';
  let assignments: Json[];
  try {
    assignments = await admin.clientRoles(clientId);
  } catch (error) {
    failFromAdmin(findings, check, error, clientId);
    return;
  }
  if (assignments.length === 0) {
    findings.fail(
      check,
      'No admin role is assigned to the app: Okta will answer 403 E0000006 to every Users API call.',
      'Assign a custom role with "View users" and "Edit users\' profile attributes" over a resource set of the users (app → Admin roles), or run `okta-m2m setup`.',
    );
    return;
  }
  const usable: { label: string; resourceSet: string | undefined }[] = [];
  for (const a of assignments) {
    if (a['type'] === 'CUSTOM') {
      const { body } = await admin.request<{ permissions?: Json[] }>(
        'GET',
        `/api/v1/iam/roles/${String(a['role'])}/permissions`,
      );
      const held = (body.permissions ?? []).map((p) => p['label']);
      if (ROLE_PERMISSIONS.every((p) => held.includes(p)))
        usable.push({ label: String(a['label']), resourceSet: String(a['resource-set']) });
      else
        findings.warn(
          check,
          `The custom role "${String(a['label'])}" lacks ${ROLE_PERMISSIONS.filter((p) => !held.includes(p)).join(', ')}.`,
          'Add "View users" and "Edit users\' profile attributes" to the role.',
        );
    } else if (STANDARD_USER_ADMINS.has(String(a['type']))) {
      usable.push({ label: String(a['type']), resourceSet: undefined });
    }
  }
  if (usable.length === 0) {
    findings.fail(
      check,
      `The app's roles (${assignments.map((a) => String(a['label'] ?? a['type'])).join(', ')}) cannot view users and edit their profiles.`,
      'Assign a custom role with "View users" and "Edit users\' profile attributes" (or run `okta-m2m setup`).',
    );
    return;
  }
  findings.pass(check, `assigned: ${usable.map((u) => u.label).join(', ')}`);
  if (user === undefined) return;

  let userId: string;
  try {
    userId = String((await admin.request('GET', `/api/v1/users/${encodeURIComponent(user)}`)).body['id']);
  } catch (error) {
    failFromAdmin(findings, 'resource-set', error, clientId);
    return;
  }
  const described: string[] = [];
  for (const role of usable) {
    if (role.resourceSet === undefined) {
      findings.pass('resource-set', `${role.label} covers every user, including ${user}`);
      return;
    }
    const urls = await admin.resourceSetUrls(role.resourceSet);
    for (const url of urls) {
      const path = new URL(url).pathname;
      const group = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path)?.[1];
      if (path === '/api/v1/users' || path === `/api/v1/users/${userId}`) {
        findings.pass('resource-set', `the resource set of "${role.label}" covers ${user}`);
        return;
      }
      if (group !== undefined) {
        if ((await admin.groupMemberIds(group)).includes(userId)) {
          findings.pass(
            'resource-set',
            `the resource set of "${role.label}" covers ${user} (member of group ${group})`,
          );
          return;
        }
        described.push(`members of group ${group}`);
      } else {
        described.push(path);
      }
    }
  }
  findings.fail(
    'resource-set',
    `The resource set of the app's role does not cover ${user} (it holds: ${described.join(', ') || 'nothing'}).`,
    "Add the user's group (or all users) to the resource set (Security → Administrators → Resources), or act only on users inside it.",
  );
}

function failFromAdmin(findings: Findings, check: string, error: unknown, clientId: string): void {
  if (!(error instanceof CliError)) throw error;
  const notFound = /answered 404/.test(error.message);
  findings.fail(
    check,
    notFound ? `The Management API knows no app or user for this check (${error.message})` : error.message,
    notFound ? `Check OKTA_CLIENT_ID (${clientId}) against the app's General tab.` : error.hint,
    error.kind,
  );
}
