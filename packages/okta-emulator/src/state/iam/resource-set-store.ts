/**
 * Resource sets: create, find by id or label, add and remove resources (parsed as this org's URLs or
 * ORNs), role bindings and their members.
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed, problem } from '../../lib/errors.js';
import { controlCharactersCause, hasControlCharacters } from '../../lib/text.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import { findByIdOrLabel } from './id-or-label.js';
import { parseResource, resourceKey, type ResourceOrg, type ResourceRef } from './resource-ref.js';
import type { ResourceEntry, ResourceSetRecord } from './iam-records.js';
import { parseConditions } from './conditions.js';

/** Checks that referenced users and groups exist. */
export interface ResourceExistence {
  userExists(id: string): boolean;
  groupExists(id: string): boolean;
}

/** Resource sets with their resources and role bindings. */
export class ResourceSetStore {
  readonly #sets = new Map<string, ResourceSetRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
    private readonly org: ResourceOrg,
    private readonly existence: ResourceExistence,
  ) {}

  /** Every set, in creation order. */
  all(): ResourceSetRecord[] {
    return [...this.#sets.values()];
  }

  /** A set by id (or label, as Okta also accepts `resourceSetIdOrLabel` on some routes). */
  find(idOrLabel: string): ResourceSetRecord | undefined {
    return findByIdOrLabel(this.#sets, idOrLabel);
  }

  /** Like {@link find} but 404s (E0000007). */
  get(idOrLabel: string): ResourceSetRecord {
    const set = this.find(idOrLabel);
    if (set === undefined) throw notFound(idOrLabel, 'ResourceSet');
    return set;
  }

  #parseResources(values: unknown, field: string): ResourceRef[] {
    if (!Array.isArray(values)) throw validationFailed(field, [`${field}: The field cannot be left blank`]);
    if (values.length > 1000)
      throw validationFailed(field, [`${field}: A resource set can contain at most 1000 resources`]);
    const refs: ResourceRef[] = [];
    const causes: string[] = [];
    for (const value of values) {
      const ref = typeof value === 'string' ? parseResource(value, this.org) : undefined;
      if (ref === undefined) {
        causes.push(`${field}: The resource ${JSON.stringify(value)} is not a supported resource URL or ORN`);
        continue;
      }
      if (
        (ref.kind === 'user' && !this.existence.userExists(ref.id)) ||
        ((ref.kind === 'group' || ref.kind === 'group-members') && !this.existence.groupExists(ref.id))
      ) {
        causes.push(`${field}: The resource ${String(value)} does not exist`);
        continue;
      }
      refs.push(ref);
    }
    if (causes.length > 0) throw validationFailed(field, causes);
    return refs;
  }

  #entries(refs: readonly ResourceRef[], existing: readonly ResourceEntry[], now: string): ResourceEntry[] {
    const seen = new Set(existing.map((e) => resourceKey(e.ref, this.org.orgId)));
    const out = [...existing];
    for (const ref of refs) {
      const key = resourceKey(ref, this.org.orgId);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ id: oktaId(this.random, 'ire'), ref, created: now, lastUpdated: now });
    }
    return out;
  }

  /** `POST /api/v1/iam/resource-sets`: label, description, resources are required (management.yaml). */
  create(input: unknown): ResourceSetRecord {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const body = input as Record<string, unknown>;
    const causes: string[] = [];
    if (typeof body.label !== 'string' || body.label.trim() === '')
      causes.push('label: The field cannot be left blank');
    else if (hasControlCharacters(body.label)) causes.push(controlCharactersCause('label'));
    if (typeof body.description !== 'string' || body.description.trim() === '') {
      causes.push('description: The field cannot be left blank');
    }
    if (!Array.isArray(body.resources) || body.resources.length === 0)
      causes.push('resources: The field cannot be left blank');
    if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
    if ([...this.#sets.values()].some((s) => s.label === body.label)) {
      throw validationFailed('label', ['label: A resource set with the same label already exists']);
    }
    const refs = this.#parseResources(body.resources, 'resources');
    const now = isoTime(this.clock.now());
    let id = oktaId(this.random, 'iam');
    while (this.#sets.has(id)) id = oktaId(this.random, 'iam');
    const set: ResourceSetRecord = {
      id,
      label: body.label as string,
      description: body.description as string,
      resources: this.#entries(refs, [], now),
      bindings: {},
      created: now,
      lastUpdated: now,
    };
    this.#sets.set(id, set);
    return set;
  }

  /** `PATCH /resource-sets/{id}/resources` with `{"additions": [...]}`. */
  addResources(idOrLabel: string, input: unknown): ResourceSetRecord {
    const current = this.get(idOrLabel);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const additions = (input as Record<string, unknown>).additions;
    if (!Array.isArray(additions) || additions.length === 0) {
      throw validationFailed('additions', ['additions: The field cannot be left blank']);
    }
    const refs = this.#parseResources(additions, 'additions');
    const now = isoTime(this.clock.now());
    const next: ResourceSetRecord = {
      ...current,
      resources: this.#entries(refs, current.resources, now),
      lastUpdated: now,
    };
    this.#sets.set(next.id, next);
    return next;
  }

  /** Adds members to the binding of `roleId` (created when absent); returns the set. */
  bind(idOrLabel: string, roleId: string, hrefs: readonly string[]): ResourceSetRecord {
    const current = this.get(idOrLabel);
    const now = isoTime(this.clock.now());
    const existing = current.bindings[roleId] ?? [];
    const known = new Set(existing.map((m) => m.href));
    const members = [...existing];
    for (const href of hrefs) {
      if (known.has(href)) continue;
      known.add(href);
      members.push({ id: oktaId(this.random, 'irb'), href, created: now, lastUpdated: now });
    }
    const next: ResourceSetRecord = {
      ...current,
      bindings: { ...current.bindings, [roleId]: members },
      lastUpdated: now,
    };
    this.#sets.set(next.id, next);
    return next;
  }

  /** `PUT /api/v1/iam/resource-sets/{id}`: replaces label and description (resources stay, as at Okta). */
  replace(idOrLabel: string, input: unknown): ResourceSetRecord {
    const current = this.get(idOrLabel);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const body = input as Record<string, unknown>;
    const causes: string[] = [];
    if (typeof body.label !== 'string' || body.label.trim() === '')
      causes.push('label: The field cannot be left blank');
    if (typeof body.description !== 'string' || body.description.trim() === '')
      causes.push('description: The field cannot be left blank');
    if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
    if ([...this.#sets.values()].some((s) => s !== current && s.label === body.label)) {
      throw validationFailed('label', ['label: A resource set with the same label already exists']);
    }
    const next: ResourceSetRecord = {
      ...current,
      label: body.label as string,
      description: body.description as string,
      lastUpdated: isoTime(this.clock.now()),
    };
    this.#sets.set(next.id, next);
    return next;
  }

  /** `DELETE /api/v1/iam/resource-sets/{id}` (its bindings go with it). */
  delete(idOrLabel: string): ResourceSetRecord {
    const current = this.get(idOrLabel);
    this.#sets.delete(current.id);
    return current;
  }

  /** `POST /resource-sets/{id}/resources` with `{resourceOrnOrUrl, conditions?}`: adds one resource. */
  addResource(idOrLabel: string, input: unknown): { set: ResourceSetRecord; entry: ResourceEntry } {
    const current = this.get(idOrLabel);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const body = input as Record<string, unknown>;
    const [ref] = this.#parseResources([body.resourceOrnOrUrl], 'resourceOrnOrUrl');
    const conditions = parseConditions(body.conditions);
    const key = resourceKey(ref!, this.org.orgId);
    if (current.resources.some((e) => resourceKey(e.ref, this.org.orgId) === key)) {
      throw validationFailed('resourceOrnOrUrl', [
        'resourceOrnOrUrl: The resource is already in the resource set',
      ]);
    }
    const now = isoTime(this.clock.now());
    const entry: ResourceEntry = {
      id: oktaId(this.random, 'ire'),
      ref: ref!,
      created: now,
      lastUpdated: now,
      ...(conditions !== undefined ? { conditions } : {}),
    };
    const next: ResourceSetRecord = {
      ...current,
      resources: [...current.resources, entry],
      lastUpdated: now,
    };
    this.#sets.set(next.id, next);
    return { set: next, entry };
  }

  /** A resource of a set by its `ire…` id (404 otherwise). */
  resource(idOrLabel: string, resourceId: string): { set: ResourceSetRecord; entry: ResourceEntry } {
    const set = this.get(idOrLabel);
    const entry = set.resources.find((e) => e.id === resourceId);
    if (entry === undefined) throw notFound(resourceId, 'ResourceSetResource');
    return { set, entry };
  }

  /** `PUT /resource-sets/{id}/resources/{resourceId}` with `{conditions}`. */
  replaceResource(idOrLabel: string, resourceId: string, input: unknown): ResourceEntry {
    const { set, entry } = this.resource(idOrLabel, resourceId);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const conditions = parseConditions((input as Record<string, unknown>).conditions);
    const now = isoTime(this.clock.now());
    const { conditions: _old, ...rest } = entry;
    const updated: ResourceEntry = {
      ...rest,
      lastUpdated: now,
      ...(conditions !== undefined ? { conditions } : {}),
    };
    this.#sets.set(set.id, {
      ...set,
      resources: set.resources.map((e) => (e === entry ? updated : e)),
      lastUpdated: now,
    });
    return updated;
  }

  /** `DELETE /resource-sets/{id}/resources/{resourceId}`. */
  deleteResource(idOrLabel: string, resourceId: string): void {
    const { set, entry } = this.resource(idOrLabel, resourceId);
    this.#sets.set(set.id, {
      ...set,
      resources: set.resources.filter((e) => e !== entry),
      lastUpdated: isoTime(this.clock.now()),
    });
  }

  /** `DELETE /resource-sets/{id}/bindings/{roleId}/members/{memberId}` (an emptied binding stays). */
  unbindMember(idOrLabel: string, roleId: string, memberId: string): void {
    const set = this.get(idOrLabel);
    const members = set.bindings[roleId];
    if (members === undefined) throw notFound(roleId, 'Binding');
    if (!members.some((m) => m.id === memberId)) throw notFound(memberId, 'BindingMember');
    this.#sets.set(set.id, {
      ...set,
      bindings: { ...set.bindings, [roleId]: members.filter((m) => m.id !== memberId) },
      lastUpdated: isoTime(this.clock.now()),
    });
  }

  /** `DELETE /resource-sets/{id}/bindings/{roleId}`. */
  unbind(idOrLabel: string, roleId: string): void {
    const set = this.get(idOrLabel);
    if (set.bindings[roleId] === undefined) throw notFound(roleId, 'Binding');
    const { [roleId]: _gone, ...rest } = set.bindings;
    this.#sets.set(set.id, { ...set, bindings: rest, lastUpdated: isoTime(this.clock.now()) });
  }

  /** Restores a saved set. */
  insert(set: ResourceSetRecord): void {
    this.#sets.set(set.id, set);
  }

  /** Plain data for `--state FILE`. */
  toJSON(): ResourceSetRecord[] {
    return this.all();
  }
}
