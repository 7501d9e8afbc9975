/**
 * Groups and memberships, with the reverse index user -> groups that resource-set checks read.
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed } from '../../lib/errors.js';
import { controlCharactersCause, hasControlCharacters } from '../../lib/text.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import type { GroupRecord, GroupStoreJson } from './iam-records.js';

/** Groups and memberships, with a reverse index user -> groups for resource-set checks. */
export class GroupStore {
  readonly #groups = new Map<string, GroupRecord>();
  readonly #members = new Map<string, Set<string>>();
  readonly #userGroups = new Map<string, Set<string>>();

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
  ) {}

  /** A group by id. */
  byId(id: string): GroupRecord | undefined {
    return this.#groups.get(id);
  }

  /** Every group in id order. */
  all(): GroupRecord[] {
    return [...this.#groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Creates a group; names are unique (E0000001 otherwise). */
  create(name: string, description: string | null): GroupRecord {
    if (name.trim() === '') throw validationFailed('name', ['name: The field cannot be left blank']);
    if (hasControlCharacters(name)) throw validationFailed('name', [controlCharactersCause('name')]);
    for (const g of this.#groups.values()) {
      if (g.name.toLowerCase() === name.toLowerCase()) {
        throw validationFailed('name', [
          'name: An object with this field already exists in the current organization',
        ]);
      }
    }
    const now = isoTime(this.clock.now());
    let id = oktaId(this.random, '00g');
    while (this.#groups.has(id)) id = oktaId(this.random, '00g');
    const group: GroupRecord = {
      id,
      created: now,
      lastUpdated: now,
      lastMembershipUpdated: now,
      name,
      description,
    };
    this.#groups.set(id, group);
    this.#members.set(id, new Set());
    return group;
  }

  /** `PUT /api/v1/groups/{id}`: replaces name and description; names stay unique (E0000001). */
  replace(id: string, name: string, description: string | null): GroupRecord {
    const current = this.#groups.get(id);
    if (current === undefined) throw notFound(id, 'UserGroup');
    if (name.trim() === '') throw validationFailed('name', ['name: The field cannot be left blank']);
    for (const g of this.#groups.values()) {
      if (g.id !== id && g.name.toLowerCase() === name.toLowerCase()) {
        throw validationFailed('name', [
          'name: An object with this field already exists in the current organization',
        ]);
      }
    }
    const next: GroupRecord = { ...current, name, description, lastUpdated: isoTime(this.clock.now()) };
    this.#groups.set(id, next);
    return next;
  }

  /** `DELETE /api/v1/groups/{id}`: the group and its memberships go. */
  delete(id: string): void {
    if (!this.#groups.has(id)) throw notFound(id, 'UserGroup');
    for (const uid of this.#members.get(id) ?? []) this.#userGroups.get(uid)?.delete(id);
    this.#members.delete(id);
    this.#groups.delete(id);
  }

  /** `DELETE /api/v1/groups/{id}/users/{userId}` (idempotent, as Okta's is). */
  removeMember(groupId: string, userId: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) throw notFound(groupId, 'UserGroup');
    if (!this.#members.get(groupId)!.delete(userId)) return;
    this.#userGroups.get(userId)?.delete(groupId);
    this.#groups.set(groupId, { ...group, lastMembershipUpdated: isoTime(this.clock.now()) });
  }

  /** Adds a user to a group (idempotent, as Okta's PUT is). */
  addMember(groupId: string, userId: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) throw notFound(groupId, 'UserGroup');
    this.#members.get(groupId)!.add(userId);
    let set = this.#userGroups.get(userId);
    if (set === undefined) {
      set = new Set();
      this.#userGroups.set(userId, set);
    }
    set.add(groupId);
    this.#groups.set(groupId, { ...group, lastMembershipUpdated: isoTime(this.clock.now()) });
  }

  /** Member ids of a group (empty for unknown groups). */
  members(groupId: string): ReadonlySet<string> {
    return this.#members.get(groupId) ?? new Set();
  }

  /** Groups a user belongs to. */
  groupsOf(userId: string): ReadonlySet<string> | undefined {
    return this.#userGroups.get(userId);
  }

  /** Drops a deleted user from every group. */
  forgetUser(userId: string): void {
    for (const gid of this.#userGroups.get(userId) ?? []) this.#members.get(gid)?.delete(userId);
    this.#userGroups.delete(userId);
  }

  /** Plain data for `--state FILE`. */
  toJSON(): GroupStoreJson {
    const members: Record<string, string[]> = {};
    for (const [gid, set] of this.#members) members[gid] = [...set];
    return { groups: this.all(), members };
  }

  /** Restores groups saved by {@link toJSON}. */
  load(json: GroupStoreJson): void {
    for (const g of json.groups) {
      this.#groups.set(g.id, g);
      this.#members.set(g.id, new Set());
    }
    for (const [gid, ids] of Object.entries(json.members)) {
      for (const uid of ids) {
        if (!this.#groups.has(gid)) continue;
        this.#members.get(gid)!.add(uid);
        let set = this.#userGroups.get(uid);
        if (set === undefined) {
          set = new Set();
          this.#userGroups.set(uid, set);
        }
        set.add(gid);
      }
    }
  }
}
