/**
 * How a user renders in the Users API: Okta's user object with its `_links`, cached per record, and the
 * user's ETag.
 */
import type { UserRecord, UserStatus } from './user-record.js';

/** A HAL link as Okta renders it. */
export interface HrefLink {
  href: string;
  method?: string;
}

/** The user object Okta returns (, management.yaml `User`). */
export interface UserJson {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Record<string, string | null>;
  credentials: {
    password?: Record<string, never>;
    recovery_question?: { question: string };
    provider: { type: string; name: string };
  };
  _links: Record<string, HrefLink>;
}

/** Lifecycle and credential links offered per status on a single-user GET (management.yaml `User._links`; the exact set per status is undocumented). */
const STATUS_LINKS: Readonly<Record<UserStatus, readonly (readonly [string, string])[]>> = {
  STAGED: [
    ['activate', 'lifecycle/activate'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  PROVISIONED: [
    ['activate', 'lifecycle/activate'],
    ['reactivate', 'lifecycle/reactivate'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  ACTIVE: [
    ['suspend', 'lifecycle/suspend'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['resetFactors', 'lifecycle/reset_factors'],
    ['expirePassword', 'lifecycle/expire_password'],
    ['forgotPassword', 'credentials/forgot_password'],
    ['changeRecoveryQuestion', 'credentials/change_recovery_question'],
    ['changePassword', 'credentials/change_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  RECOVERY: [
    ['resetPassword', 'lifecycle/reset_password'],
    ['expirePassword', 'lifecycle/expire_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  PASSWORD_EXPIRED: [
    ['resetPassword', 'lifecycle/reset_password'],
    ['forgotPassword', 'credentials/forgot_password'],
    ['changePassword', 'credentials/change_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  LOCKED_OUT: [
    ['unlock', 'lifecycle/unlock'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  SUSPENDED: [
    ['unsuspend', 'lifecycle/unsuspend'],
    ['resetPassword', 'lifecycle/reset_password'],
    ['deactivate', 'lifecycle/deactivate'],
  ],
  DEPROVISIONED: [['activate', 'lifecycle/activate']],
};

/** What the factory needs besides the record: the org's base URL and the default user schema id. */
export interface UserJsonContext {
  readonly orgUrl: string;
  readonly schemaId: string;
}

/**
 * Builds the user object in Okta's key order. `full` selects the single-resource link set (lifecycle,
 * schema, type); collections carry only `_links.self`. Nullable timestamps are present as
 * `null`; `credentials.password` is `{}` only when a password is set (management.yaml create examples).
 * @example toUserJson(record, { orgUrl: 'https://example.okta.com', schemaId: 'osc…' }, false)
 */
export function toUserJson(user: UserRecord, ctx: UserJsonContext, full: boolean): UserJson {
  const self = `${ctx.orgUrl}/api/v1/users/${user.id}`;
  const links: Record<string, HrefLink> = {};
  if (full) {
    for (const [name, path] of STATUS_LINKS[user.status])
      links[name] = { href: `${self}/${path}`, method: 'POST' };
    links.schema = { href: `${ctx.orgUrl}/api/v1/meta/schemas/user/${ctx.schemaId}` };
    links.type = { href: `${ctx.orgUrl}/api/v1/meta/types/user/${user.typeId}` };
  }
  links.self = { href: self };
  const credentials: UserJson['credentials'] = {
    provider: { type: user.provider.type, name: user.provider.name },
  };
  if (user.hasPassword) credentials.password = {};
  if (user.recoveryQuestion !== null) credentials.recovery_question = { question: user.recoveryQuestion };
  // Okta lists password first, then recovery_question, then provider.
  const orderedCredentials: UserJson['credentials'] = {
    ...(credentials.password ? { password: credentials.password } : {}),
    ...(credentials.recovery_question ? { recovery_question: credentials.recovery_question } : {}),
    provider: credentials.provider,
  };
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: user.activated,
    statusChanged: user.statusChanged,
    lastLogin: user.lastLogin,
    lastUpdated: user.lastUpdated,
    passwordChanged: user.passwordChanged,
    type: { id: user.typeId },
    profile: { ...user.profile },
    credentials: orderedCredentials,
    _links: links,
  };
}

/**
 * Serialised forms of a record, cached per record object (records are replaced on write, so a cache
 * entry can never go stale) and per org URL. Keeps the hot GET path to a Map lookup and a string send.
 */
export class UserJsonCache {
  #single = new WeakMap<UserRecord, string>();
  #item = new WeakMap<UserRecord, string>();
  #orgUrl = '';

  constructor(private readonly schemaId: string) {}

  #check(orgUrl: string): void {
    if (orgUrl !== this.#orgUrl) {
      this.#orgUrl = orgUrl;
      this.#single = new WeakMap();
      this.#item = new WeakMap();
    }
  }

  /** The single-user JSON text (full link set). */
  single(user: UserRecord, orgUrl: string): string {
    this.#check(orgUrl);
    let text = this.#single.get(user);
    if (text === undefined) {
      text = JSON.stringify(toUserJson(user, { orgUrl, schemaId: this.schemaId }, true));
      this.#single.set(user, text);
    }
    return text;
  }

  /** The collection-item JSON text (`_links.self` only). */
  item(user: UserRecord, orgUrl: string): string {
    this.#check(orgUrl);
    let text = this.#item.get(user);
    if (text === undefined) {
      text = JSON.stringify(toUserJson(user, { orgUrl, schemaId: this.schemaId }, false));
      this.#item.set(user, text);
    }
    return text;
  }
}

/**
 * The weak entity tag of a user version (`W/"…"`, management.yaml `Etag` example `W/"1234567890abcdef"`): 16 hex
 * digits of an FNV-1a hash over id, revision and lastUpdated.
 */
export function userEtag(user: UserRecord): string {
  let etag = ETAGS.get(user);
  if (etag === undefined) {
    etag = computeEtag(user);
    ETAGS.set(user, etag);
  }
  return etag;
}

const ETAGS = new WeakMap<UserRecord, string>();

function computeEtag(user: UserRecord): string {
  const input = `${user.id}:${user.revision}:${user.lastUpdated}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `W/"${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}"`;
}
