/**
 * Custom admin roles: create, find by id or label, replace, delete, and their permissions (only the
 * known permission strings).
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed, problem } from '../../lib/errors.js';
import { controlCharactersCause, hasControlCharacters } from '../../lib/text.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import { findByIdOrLabel } from './id-or-label.js';
import { KNOWN_PERMISSIONS } from './permissions.js';
import type { CustomRoleRecord, ResourceConditions } from './iam-records.js';
import { parseConditions } from './conditions.js';

/** Input of `POST /api/v1/iam/roles` and of the programmatic helper. */
export interface CustomRoleInput {
  label: string;
  description: string;
  permissions: readonly string[];
}

/** Custom roles, found by id or label (`/api/v1/iam/roles/{roleIdOrLabel}`). */
export class CustomRoleStore {
  readonly #roles = new Map<string, CustomRoleRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
  ) {}

  /** Every role, in creation order. */
  all(): CustomRoleRecord[] {
    return [...this.#roles.values()];
  }

  /** A role by id or (case-sensitive) label. */
  find(idOrLabel: string): CustomRoleRecord | undefined {
    return findByIdOrLabel(this.#roles, idOrLabel);
  }

  /** Like {@link find} but 404s (E0000007) when absent. */
  get(idOrLabel: string): CustomRoleRecord {
    const role = this.find(idOrLabel);
    if (role === undefined) throw notFound(idOrLabel, 'CustomRole');
    return role;
  }

  /**
   * Creates a role. label, description and permissions are all required (management.yaml `CreateIamRoleRequest`);
   * permissions must be known permission strings; labels are unique.
   */
  create(input: unknown): CustomRoleRecord {
    const valid = validateRoleInput(input);
    if ([...this.#roles.values()].some((r) => r.label === valid.label)) {
      throw validationFailed('label', ['label: A custom role with the same label already exists']);
    }
    const now = isoTime(this.clock.now());
    let id = oktaId(this.random, 'cr0');
    while (this.#roles.has(id)) id = oktaId(this.random, 'cr0');
    const role: CustomRoleRecord = { id, ...valid, created: now, lastUpdated: now };
    this.#roles.set(id, role);
    return role;
  }

  /** `PUT /api/v1/iam/roles/{roleIdOrLabel}`: replaces label and description (permissions stay). */
  replace(idOrLabel: string, input: unknown): CustomRoleRecord {
    const current = this.get(idOrLabel);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
    const body = input as Record<string, unknown>;
    const causes: string[] = [];
    if (typeof body.label !== 'string' || body.label.trim() === '')
      causes.push('label: The field cannot be left blank');
    if (typeof body.description !== 'string' || body.description.trim() === '')
      causes.push('description: The field cannot be left blank');
    if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
    if ([...this.#roles.values()].some((r) => r !== current && r.label === body.label)) {
      throw validationFailed('label', ['label: A custom role with the same label already exists']);
    }
    const next: CustomRoleRecord = {
      ...current,
      label: body.label as string,
      description: body.description as string,
      lastUpdated: isoTime(this.clock.now()),
    };
    this.#roles.set(next.id, next);
    return next;
  }

  /** `DELETE /api/v1/iam/roles/{roleIdOrLabel}`. */
  delete(idOrLabel: string): CustomRoleRecord {
    const current = this.get(idOrLabel);
    this.#roles.delete(current.id);
    return current;
  }

  /**
   * `POST`/`PUT /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}`: adds a permission or
   * replaces its conditions (`{include|exclude: {attribute: values}}`, management.yaml `PermissionConditions`).
   */
  setPermission(
    idOrLabel: string,
    permission: string,
    input: unknown,
    mode: 'create' | 'replace',
  ): CustomRoleRecord {
    const current = this.get(idOrLabel);
    if (!KNOWN_PERMISSIONS.has(permission)) {
      throw validationFailed('permissionType', [`permissionType: Invalid permission: ${permission}`]);
    }
    const has = current.permissions.includes(permission);
    if (mode === 'replace' && !has) throw notFound(permission, 'Permission');
    if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
      throw problem('E0000003');
    }
    const conditions = parseConditions((input as Record<string, unknown> | null | undefined)?.conditions);
    const now = isoTime(this.clock.now());
    const permissionConditions: Record<string, ResourceConditions> = {
      ...(current.permissionConditions ?? {}),
    };
    if (conditions === undefined) delete permissionConditions[permission];
    else permissionConditions[permission] = conditions;
    const next: CustomRoleRecord = {
      ...current,
      permissions: has ? current.permissions : [...current.permissions, permission],
      permissionConditions,
      lastUpdated: now,
    };
    this.#roles.set(next.id, next);
    return next;
  }

  /** `DELETE /api/v1/iam/roles/{roleIdOrLabel}/permissions/{permissionType}` (a role keeps at least one). */
  deletePermission(idOrLabel: string, permission: string): CustomRoleRecord {
    const current = this.get(idOrLabel);
    if (!current.permissions.includes(permission)) throw notFound(permission, 'Permission');
    if (current.permissions.length === 1) {
      throw validationFailed('permissions', ['permissions: A custom role must keep at least one permission']);
    }
    const { [permission]: _dropped, ...rest } = current.permissionConditions ?? {};
    const next: CustomRoleRecord = {
      ...current,
      permissions: current.permissions.filter((p) => p !== permission),
      permissionConditions: rest,
      lastUpdated: isoTime(this.clock.now()),
    };
    this.#roles.set(next.id, next);
    return next;
  }

  /** Restores a saved role. */
  insert(role: CustomRoleRecord): void {
    this.#roles.set(role.id, role);
  }

  /** Plain data for `--state FILE`. */
  toJSON(): CustomRoleRecord[] {
    return this.all();
  }
}

function validateRoleInput(input: unknown): CustomRoleInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw problem('E0000003');
  const body = input as Record<string, unknown>;
  const causes: string[] = [];
  if (typeof body.label !== 'string' || body.label.trim() === '')
    causes.push('label: The field cannot be left blank');
  else if (hasControlCharacters(body.label)) causes.push(controlCharactersCause('label'));
  if (typeof body.description !== 'string' || body.description.trim() === '') {
    causes.push('description: The field cannot be left blank');
  }
  const permissions = body.permissions;
  if (!Array.isArray(permissions) || permissions.length === 0) {
    causes.push('permissions: The field cannot be left blank');
  } else {
    for (const p of permissions) {
      if (typeof p !== 'string' || !KNOWN_PERMISSIONS.has(p))
        causes.push(`permissions: Invalid permission: ${String(p)}`);
    }
  }
  if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
  return {
    label: body.label as string,
    description: body.description as string,
    permissions: [...new Set(permissions as string[])],
  };
}
