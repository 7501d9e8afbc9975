/**
 * Resource sets: create, find by id or label, add and remove resources (parsed as this org's URLs or
 * ORNs), role bindings and their members.
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed, problem } from '../../lib/errors.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import { findByIdOrLabel } from './id-or-label.js';
import { parseResource, resourceKey, type ResourceRef } from './resource-ref.js';
import type { ResourceEntry, ResourceSetRecord } from './iam-records.js';

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
    private readonly orgId: string,
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
      const ref = typeof value === 'string' ? parseResource(value, this.orgId) : undefined;
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
    const seen = new Set(existing.map((e) => resourceKey(e.ref, this.orgId)));
    const out = [...existing];
    for (const ref of refs) {
      const key = resourceKey(ref, this.orgId);
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

  /** Restores a saved set. */
  insert(set: ResourceSetRecord): void {
    this.#sets.set(set.id, set);
  }

  /** Plain data for `--state FILE`. */
  toJSON(): ResourceSetRecord[] {
    return this.all();
  }
}
