/**
 * Admin roles assigned to clients (service apps): standard roles and custom roles over a resource set,
 * with Okta's validation and duplicate errors.
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import { notFound, validationFailed, problem } from '../../lib/errors.js';
import { oktaId, standardAssignmentId, type SeededRandom } from '../../lib/ids.js';
import { isStandardRoleType } from './standard-roles.js';
import type { ClientRoleAssignment, CustomRoleRecord, ResourceSetRecord } from './iam-records.js';

/** One shared empty list, so "no assignments" is a stable identity for the access cache. */
const NO_ASSIGNMENTS: readonly ClientRoleAssignment[] = Object.freeze([]);

/** What `POST /oauth2/v1/clients/{clientId}/roles` accepts (management.yaml `StandardRoleAssignmentSchema` / `CustomRoleAssignmentSchema`). */
export interface AssignClientRoleInput {
  type: string;
  role?: string;
  resourceSet?: string;
}

/** Role assignments per client id. */
export class ClientRoleStore {
  readonly #byClient = new Map<string, ClientRoleAssignment[]>();
  /** Bumped on every change so callers can cache derived access decisions. */
  revision = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: SeededRandom,
    private readonly roles: { find(idOrLabel: string): CustomRoleRecord | undefined },
    private readonly resourceSets: { find(idOrLabel: string): ResourceSetRecord | undefined },
  ) {}

  /** The assignments of a client (empty when none). */
  list(clientId: string): readonly ClientRoleAssignment[] {
    return this.#byClient.get(clientId) ?? NO_ASSIGNMENTS;
  }

  /**
   * Assigns a role. Unknown types, a CUSTOM assignment without `role`/`resource-set`, or ids that do not
   * exist are E0000001; assigning the same role twice is 409 E0000090 (undocumented for clients).
   */
  assign(clientId: string, input: AssignClientRoleInput): ClientRoleAssignment {
    const now = isoTime(this.clock.now());
    const existing = this.#byClient.get(clientId) ?? [];
    let assignment: ClientRoleAssignment;
    if (input.type === 'CUSTOM') {
      const causes: string[] = [];
      if (typeof input.role !== 'string' || input.role === '')
        causes.push('role: The field cannot be left blank');
      if (typeof input.resourceSet !== 'string' || input.resourceSet === '') {
        causes.push('resource-set: The field cannot be left blank');
      }
      if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
      const role = this.roles.find(input.role!);
      if (role === undefined) throw notFound(input.role!, 'CustomRole');
      const set = this.resourceSets.find(input.resourceSet!);
      if (set === undefined) throw notFound(input.resourceSet!, 'ResourceSet');
      if (existing.some((a) => a.type === 'CUSTOM' && a.role === role.id && a.resourceSet === set.id)) {
        throw problem('E0000090');
      }
      assignment = {
        id: oktaId(this.random, 'irb'),
        type: 'CUSTOM',
        role: role.id,
        resourceSet: set.id,
        created: now,
        lastUpdated: now,
      };
    } else if (isStandardRoleType(input.type)) {
      if (existing.some((a) => a.type === input.type)) throw problem('E0000090');
      assignment = {
        id: standardAssignmentId(this.random),
        type: input.type,
        created: now,
        lastUpdated: now,
      };
    } else {
      throw validationFailed('type', [`type: Invalid role type: ${String(input.type)}`]);
    }
    this.#byClient.set(clientId, [...existing, assignment]);
    this.revision++;
    return assignment;
  }

  /** Removes an assignment (`DELETE /oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}`). */
  unassign(clientId: string, assignmentId: string): void {
    const existing = this.#byClient.get(clientId) ?? [];
    const next = existing.filter((a) => a.id !== assignmentId);
    if (next.length === existing.length) throw notFound(assignmentId, 'RoleAssignment');
    this.#byClient.set(clientId, next);
    this.revision++;
  }

  /** Plain data for `--state FILE`. */
  toJSON(): Record<string, ClientRoleAssignment[]> {
    return Object.fromEntries(this.#byClient);
  }

  /** Restores saved assignments. */
  load(json: Record<string, ClientRoleAssignment[]>): void {
    for (const [clientId, list] of Object.entries(json)) this.#byClient.set(clientId, [...list]);
    this.revision++;
  }
}
