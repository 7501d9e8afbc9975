/**
 * The users of the org: create, find by id, login or short name, partial and full update, deactivate and
 * delete, kept sorted by id for pagination.
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed } from '../../lib/errors.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import { type UserProfile, type UserRecord, type UserStatus } from './user-record.js';
import { normalizeProfile, summaryField, validateProfile, type UserWriteBody } from './user-validation.js';
import type { CustomAttributeDefinition } from './user-schema.js';

/** Options for {@link UserStore.create}. */
export interface CreateUserInput extends UserWriteBody {
  profile: UserProfile;
  /** `?activate=` (default true). */
  activate: boolean;
}

/**
 * All users, indexed by id, by login (case-insensitive, as Okta logins are) and by login short name
 * (the part before `@`). `sortedIds` keeps ids in ascending order: the list order and the basis of the
 * opaque `after` cursor, so a page boundary survives inserts and deletes.
 */
export class UserStore {
  readonly #byId = new Map<string, UserRecord>();
  readonly #byLogin = new Map<string, string>();
  readonly #byShortname = new Map<string, string[]>();
  #sortedIds: string[] = [];
  #revision = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
    /** The default user type (`oty…`). */
    readonly defaultTypeId: string,
    /** The custom attributes of the default user schema, read on every write. */
    private readonly customAttributes: () => Readonly<Record<string, CustomAttributeDefinition>> = () => ({}),
  ) {}

  /** Number of stored users (every status). */
  get size(): number {
    return this.#byId.size;
  }

  /** Ids in list order (ascending). Read-only view; do not mutate. */
  get sortedIds(): readonly string[] {
    return this.#sortedIds;
  }

  /** A user by id. */
  byId(id: string): UserRecord | undefined {
    return this.#byId.get(id);
  }

  /**
   * Resolves `GET /api/v1/users/{id|login|login-shortname}`: id first, then full login,
   * then a short name that names exactly one user.
   */
  resolve(idOrLogin: string): UserRecord | undefined {
    const direct = this.#byId.get(idOrLogin);
    if (direct) return direct;
    const key = idOrLogin.toLowerCase();
    const byLogin = this.#byLogin.get(key);
    if (byLogin !== undefined) return this.#byId.get(byLogin);
    const short = this.#byShortname.get(key);
    if (short !== undefined && short.length === 1) return this.#byId.get(short[0]!);
    return undefined;
  }

  /** Every user in list order. */
  *all(): IterableIterator<UserRecord> {
    for (const id of this.#sortedIds) yield this.#byId.get(id)!;
  }

  /** Index of the first id strictly greater than `id` in list order (binary search). */
  indexAfter(id: string): number {
    let lo = 0;
    let hi = this.#sortedIds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sortedIds[mid]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #nextRevision(): number {
    this.#revision += 1;
    return this.#revision;
  }

  #now(): string {
    return isoTime(this.clock.now());
  }

  #assertLoginFree(login: string, selfId: string | null): void {
    const owner = this.#byLogin.get(login.toLowerCase());
    if (owner !== undefined && owner !== selfId) {
      throw validationFailed('login', [
        'login: An object with this field already exists in the current organization',
      ]);
    }
  }

  /** Checks a complete profile against the default schema and its custom attributes; returns it normalised. */
  #validate(raw: UserProfile): UserProfile {
    const custom = this.customAttributes();
    const profile = normalizeProfile(raw);
    const causes = validateProfile(profile, custom);
    if (causes.length > 0) throw validationFailed(summaryField(causes), causes);
    return profile;
  }

  /**
   * Creates a user (`POST /api/v1/users`). `activate=false` gives STAGED; `activate=true` gives ACTIVE when
   * the user has a password or an external provider, and PROVISIONED otherwise (the user must finish
   * activation) — Okta's lifecycle, see docs/emulator-coverage.md.
   */
  create(input: CreateUserInput): UserRecord {
    const profile = this.#validate({ ...input.profile });
    this.#assertLoginFree(profile.login as string, null);
    if (input.typeId !== undefined && input.typeId !== this.defaultTypeId) {
      throw validationFailed('type', ['type: The user type does not exist']);
    }
    const now = this.#now();
    const provider = input.provider ?? { type: 'OKTA', name: 'OKTA' };
    const hasPassword = input.password !== undefined;
    let status: UserStatus = 'STAGED';
    if (input.activate) status = hasPassword || provider.type !== 'OKTA' ? 'ACTIVE' : 'PROVISIONED';
    let id = oktaId(this.random, '00u');
    while (this.#byId.has(id)) id = oktaId(this.random, '00u');
    const record: UserRecord = {
      id,
      status,
      created: now,
      activated: input.activate ? now : null,
      statusChanged: input.activate ? now : null,
      lastLogin: null,
      lastUpdated: now,
      passwordChanged: hasPassword ? now : null,
      typeId: this.defaultTypeId,
      profile,
      hasPassword,
      recoveryQuestion: input.recoveryQuestion ?? null,
      provider,
      revision: this.#nextRevision(),
    };
    this.insert(record);
    return record;
  }

  /** Adds a fully formed record (seeding and state loading). */
  insert(record: UserRecord): void {
    if (record.revision > this.#revision) this.#revision = record.revision;
    this.#byId.set(record.id, record);
    this.#index(record);
    const at = this.indexAfter(record.id);
    this.#sortedIds.splice(at, 0, record.id);
  }

  #index(record: UserRecord): void {
    const login = record.profile.login;
    if (typeof login !== 'string') return;
    this.#byLogin.set(login.toLowerCase(), record.id);
    const short = shortname(login);
    if (short !== null) {
      const list = this.#byShortname.get(short) ?? [];
      list.push(record.id);
      this.#byShortname.set(short, list);
    }
  }

  #unindex(record: UserRecord): void {
    const login = record.profile.login;
    if (typeof login !== 'string') return;
    this.#byLogin.delete(login.toLowerCase());
    const short = shortname(login);
    if (short !== null) {
      const list = (this.#byShortname.get(short) ?? []).filter((x) => x !== record.id);
      if (list.length === 0) this.#byShortname.delete(short);
      else this.#byShortname.set(short, list);
    }
  }

  #replace(previous: UserRecord, next: UserRecord): UserRecord {
    this.#unindex(previous);
    this.#byId.set(next.id, next);
    this.#index(next);
    return next;
  }

  /**
   * Applies a write (`POST` partial, `PUT` replace) to a user. Partial: only supplied profile properties
   * change (null clears an optional one, and stays as `null` like Okta's own profiles); replace: the profile becomes exactly what was sent, omitted
   * attributes are removed. `type.id` must equal the current type on a partial update.
   * Every write bumps `lastUpdated` and the revision.
   */
  update(id: string, body: UserWriteBody, mode: 'partial' | 'replace'): UserRecord {
    const current = this.#byId.get(id);
    if (current === undefined) throw notFound(id, 'User');
    if (body.typeId !== undefined && body.typeId !== current.typeId) {
      throw validationFailed('type', [
        mode === 'partial'
          ? 'type: The user type can only be changed with a full replacement (PUT)'
          : 'type: The user type does not exist',
      ]);
    }
    let profile: UserProfile = current.profile as UserProfile;
    if (body.profile !== undefined) {
      profile = this.#validate(
        mode === 'partial' ? { ...current.profile, ...body.profile } : { ...body.profile },
      );
      this.#assertLoginFree(profile.login as string, id);
    }
    const now = this.#now();
    const next: UserRecord = {
      ...current,
      profile,
      lastUpdated: now,
      hasPassword: current.hasPassword || body.password !== undefined,
      passwordChanged: body.password !== undefined ? now : current.passwordChanged,
      recoveryQuestion: body.recoveryQuestion ?? current.recoveryQuestion,
      revision: this.#nextRevision(),
    };
    return this.#replace(current, next);
  }

  /** Moves a user to another status (lifecycle operations, deactivate on first DELETE). */
  setStatus(id: string, status: UserStatus): UserRecord {
    const current = this.#byId.get(id);
    if (current === undefined) throw notFound(id, 'User');
    const now = this.#now();
    const next: UserRecord = {
      ...current,
      status,
      statusChanged: now,
      activated: status === 'ACTIVE' && current.activated === null ? now : current.activated,
      lastUpdated: now,
      revision: this.#nextRevision(),
    };
    return this.#replace(current, next);
  }

  /**
   * `DELETE /api/v1/users/{id}`: the first call deactivates (DEPROVISIONED), the second deletes.
   * Returns what happened.
   */
  deleteOrDeactivate(id: string): 'deactivated' | 'deleted' {
    const current = this.#byId.get(id);
    if (current === undefined) throw notFound(id, 'User');
    if (current.status !== 'DEPROVISIONED') {
      this.setStatus(id, 'DEPROVISIONED');
      return 'deactivated';
    }
    this.#unindex(current);
    this.#byId.delete(id);
    const at = this.indexAfter(id) - 1;
    if (this.#sortedIds[at] === id) this.#sortedIds.splice(at, 1);
    return 'deleted';
  }

  /** Plain data for `--state FILE`. */
  toJSON(): UserRecord[] {
    return [...this.all()];
  }
}

function shortname(login: string): string | null {
  const at = login.indexOf('@');
  return at > 0 ? login.slice(0, at).toLowerCase() : null;
}
