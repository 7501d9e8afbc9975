import type { Clock, ClientLookup } from './contracts.js';
import { ClientRoleStore, type ClientRoleAssignment } from './iam/client-role-store.js';
import { CustomRoleStore, type CustomRoleRecord } from './iam/custom-role-store.js';
import { GroupStore, type GroupStoreJson } from './iam/group-store.js';
import { ResourceSetStore, type ResourceSetRecord } from './iam/resource-set-store.js';
import { seedUsers } from './users/seed-users.js';
import { oktaId, SeededRandom } from './users/seeded-random.js';
import { UserJsonCache } from './users/user-json.js';
import type { UserRecord } from './users/user-record.js';
import { UserStore } from './users/user-store.js';

/** Options of {@link createManagementState} / {@link loadManagementState}. */
export interface ManagementStateOptions {
  clock: Clock;
  /** The org's base URL (`https://example.okta.com`, no trailing slash). Only used as the default for links. */
  orgUrl: string;
  /** Seed of every generated id and name (default 1): the same seed gives the same org. */
  seed?: number;
  /** How many deterministic users to create (default 0). */
  seedUsers?: number;
  /** Which client ids exist (role assignments 404 for others). */
  clients: ClientLookup;
}

/** The persisted form (`--state FILE`). */
export interface ManagementStateJson {
  version: 1;
  orgId: string;
  defaultTypeId: string;
  schemaId: string;
  random: number;
  users: UserRecord[];
  groups: GroupStoreJson;
  roles: CustomRoleRecord[];
  resourceSets: ResourceSetRecord[];
  clientRoles: Record<string, ClientRoleAssignment[]>;
}

/**
 * Everything the management APIs own: users, groups, custom roles, resource sets and client role
 * assignments, plus the seeded random source that names new objects. `JSON.stringify(state)` gives a
 * {@link ManagementStateJson} that {@link loadManagementState} restores.
 */
export class ManagementState {
  readonly orgId: string;
  readonly defaultTypeId: string;
  readonly schemaId: string;
  random: SeededRandom;
  users!: UserStore;
  groups!: GroupStore;
  roles!: CustomRoleStore;
  resourceSets!: ResourceSetStore;
  clientRoles!: ClientRoleStore;
  readonly userJson: UserJsonCache;
  readonly #options: ManagementStateOptions;
  readonly clock: Clock;
  readonly clients: ClientLookup;
  /** Default base URL for links; `registerManagement` may override it per app. */
  orgUrl: string;

  constructor(
    options: ManagementStateOptions,
    ids: { orgId: string; defaultTypeId: string; schemaId: string; random: SeededRandom },
  ) {
    this.clock = options.clock;
    this.clients = options.clients;
    this.orgUrl = options.orgUrl.replace(/\/+$/, '');
    this.orgId = ids.orgId;
    this.defaultTypeId = ids.defaultTypeId;
    this.schemaId = ids.schemaId;
    this.random = ids.random;
    this.#options = options;
    this.#emptyStores();
    this.userJson = new UserJsonCache(this.schemaId);
  }

  #emptyStores(): void {
    this.users = new UserStore(this.clock, this.random, this.defaultTypeId);
    this.groups = new GroupStore(this.clock, this.random);
    this.roles = new CustomRoleStore(this.clock, this.random);
    this.resourceSets = new ResourceSetStore(this.clock, this.random, this.orgId, {
      userExists: (id) => this.users.byId(id) !== undefined,
      groupExists: (id) => this.groups.byId(id) !== undefined,
    });
    this.clientRoles = new ClientRoleStore(this.clock, this.random, this.roles, this.resourceSets);
  }

  /**
   * Back to the state {@link createManagementState} built from the same options: the seeded users again,
   * no groups, roles, resource sets or assignments. Handlers read the stores per request, so this is safe
   * while the app runs.
   */
  reset(): void {
    const random = new SeededRandom(this.#options.seed ?? 1);
    // Skip the three ids drawn for orgId, type and schema so the seeded users come out identical.
    for (let i = 0; i < 3 * 17; i++) random.next();
    this.random = random;
    this.#emptyStores();
    if (this.#options.seedUsers !== undefined && this.#options.seedUsers > 0) {
      seedUsers(this.users, random, this.#options.seedUsers);
    }
  }

  /**
   * Adds `count` more generated users (control `POST /__emulator/seed`); with `seed` they come from that
   * seed, otherwise from the state's own sequence. Returns the number of users now stored.
   */
  seedMore(count: number, seed?: number): number {
    seedUsers(this.users, seed === undefined ? this.random : new SeededRandom(seed), count);
    return this.users.size;
  }

  /** Plain data for `--state FILE`. */
  toJSON(): ManagementStateJson {
    return {
      version: 1,
      orgId: this.orgId,
      defaultTypeId: this.defaultTypeId,
      schemaId: this.schemaId,
      random: this.random.state,
      users: this.users.toJSON(),
      groups: this.groups.toJSON(),
      roles: this.roles.toJSON(),
      resourceSets: this.resourceSets.toJSON(),
      clientRoles: this.clientRoles.toJSON(),
    };
  }
}

/**
 * Creates a fresh management state; with `seedUsers` it holds that many deterministic users.
 * @example const state = createManagementState({ clock, orgUrl, seed: 7, seedUsers: 50, clients });
 */
export function createManagementState(options: ManagementStateOptions): ManagementState {
  const random = new SeededRandom(options.seed ?? 1);
  const ids = {
    orgId: oktaId(random, '00o'),
    defaultTypeId: oktaId(random, 'oty'),
    schemaId: oktaId(random, 'osc'),
    random,
  };
  const state = new ManagementState(options, ids);
  if (options.seedUsers !== undefined && options.seedUsers > 0)
    seedUsers(state.users, random, options.seedUsers);
  return state;
}

/**
 * Restores a state saved with `JSON.stringify(state)` (string or parsed object). Throws a TypeError naming
 * the problem when the data is not a saved management state.
 * @example const state = loadManagementState(readFileSync(file, 'utf8'), { clock, orgUrl, clients });
 */
export function loadManagementState(json: unknown, options: ManagementStateOptions): ManagementState {
  const data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<ManagementStateJson> | null;
  if (data === null || typeof data !== 'object' || data.version !== 1 || !Array.isArray(data.users)) {
    throw new TypeError(
      'The management state is not a saved okta-emulator state (expected {"version":1,...}); delete the file to start fresh.',
    );
  }
  const state = new ManagementState(options, {
    orgId: String(data.orgId),
    defaultTypeId: String(data.defaultTypeId),
    schemaId: String(data.schemaId),
    random: new SeededRandom(Number(data.random) || 1),
  });
  for (const user of data.users) state.users.insert(user);
  if (data.groups) state.groups.load(data.groups);
  for (const role of data.roles ?? []) state.roles.insert(role);
  for (const set of data.resourceSets ?? []) state.resourceSets.insert(set);
  if (data.clientRoles) state.clientRoles.load(data.clientRoles);
  return state;
}
