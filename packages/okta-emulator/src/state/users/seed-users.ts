/**
 * Deterministic seeded users: realistic names, unique `first.last@example.com` logins and a mix of
 * statuses, all drawn from the org's seeded random sequence.
 */
import { isoTime } from '../../lib/clock.js';
import { oktaId, type SeededRandom } from '../../lib/ids.js';
import { type UserRecord, type UserStatus } from './user-record.js';

/** Where seeded users go (a `UserStore` is one). */
export interface SeedTarget {
  readonly defaultTypeId: string;
  resolve(idOrLogin: string): UserRecord | undefined;
  byId(id: string): UserRecord | undefined;
  insert(record: UserRecord): void;
}

const FIRST_NAMES = [
  'Alice',
  'Amara',
  'Andre',
  'Anika',
  'Ben',
  'Carlos',
  'Chen',
  'Chloe',
  'Daniel',
  'Diana',
  'Elena',
  'Emeka',
  'Farah',
  'Felix',
  'Grace',
  'Hana',
  'Hugo',
  'Ines',
  'Isaac',
  'Jamal',
  'Jin',
  'Julia',
  'Kai',
  'Keiko',
  'Lars',
  'Leila',
  'Liam',
  'Lucia',
  'Malik',
  'Maria',
  'Mateo',
  'Maya',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Rafael',
  'Rosa',
  'Samir',
  'Sara',
  'Sofia',
  'Tariq',
  'Thomas',
  'Uma',
  'Victor',
  'Wei',
  'Yara',
  'Yusuf',
  'Zoe',
] as const;

const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Nguyen',
  'Okafor',
  'Müller',
  'Rossi',
  'Kowalski',
  'Tanaka',
  'Silva',
  'Johnson',
  'Brown',
  'Kim',
  'Patel',
  'Haddad',
  'Novak',
  'Andersson',
  'Dubois',
  'Lopez',
  'Wilson',
  'Chen',
  'Ivanova',
  'Cohen',
  'Mensah',
  'Schmidt',
  'Fischer',
  'Martin',
  'Sato',
  'Ali',
  'Costa',
  'Jensen',
  'Walker',
  'Young',
  'Hughes',
  'Brock',
  'Lovelace',
  'Hopper',
  'Turing',
  'Khan',
  'Reyes',
  'Park',
] as const;

const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'Support',
  'Legal',
  'Operations',
] as const;
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Director', 'Specialist', 'Consultant'] as const;

/** Status mix of a seeded org: mostly ACTIVE, a few of each other state, including DEPROVISIONED (hidden from the plain list). */
const STATUS_WEIGHTS: readonly (readonly [UserStatus, number])[] = [
  ['ACTIVE', 85],
  ['STAGED', 4],
  ['PROVISIONED', 3],
  ['DEPROVISIONED', 3],
  ['SUSPENDED', 2],
  ['LOCKED_OUT', 2],
  ['PASSWORD_EXPIRED', 1],
];

/** Seeded users are created in 2024 so their timestamps do not depend on when the emulator starts. */
const SEED_EPOCH = Date.UTC(2024, 0, 15, 9, 0, 0);

function pickStatus(random: SeededRandom): UserStatus {
  let roll = random.int(100);
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (roll < weight) return status;
    roll -= weight;
  }
  return 'ACTIVE';
}

/** Lower-cases and strips diacritics for the login's local part (`Müller` -> `muller`). */
function loginPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * Adds `count` deterministic users: the same `random` seed always yields the same ids, names, logins
 * (`first.last@example.com`, a number appended on collision), statuses and timestamps.
 * @example seedUsers(store, new SeededRandom(1), 50)
 */
export function seedUsers(store: SeedTarget, random: SeededRandom, count: number): void {
  let clock = SEED_EPOCH;
  for (let i = 0; i < count; i++) {
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const base = `${loginPart(firstName)}.${loginPart(lastName)}`;
    let login = `${base}@example.com`;
    for (let n = 2; store.resolve(login) !== undefined; n++) login = `${base}${n}@example.com`;
    const status = pickStatus(random);
    clock += 3_600_000 + random.int(86_400_000);
    const created = clock + random.int(1000);
    const activated = status === 'STAGED' ? null : created + 1000 + random.int(60_000);
    const hasPassword = status !== 'STAGED' && status !== 'PROVISIONED';
    const lastLogin =
      status === 'ACTIVE' && random.next() < 0.8
        ? (activated ?? created) + random.int(90 * 86_400_000)
        : null;
    const statusChanged =
      activated === null ? null : status === 'ACTIVE' ? activated : activated + random.int(30 * 86_400_000);
    const lastUpdated =
      Math.max(created, statusChanged ?? created, lastLogin ?? created) + random.int(86_400_000);
    let id = oktaId(random, '00u');
    while (store.byId(id) !== undefined) id = oktaId(random, '00u');
    const record: UserRecord = {
      id,
      status,
      created: isoTime(created),
      activated: activated === null || status === 'PROVISIONED' ? null : isoTime(activated),
      statusChanged: statusChanged === null ? null : isoTime(statusChanged),
      lastLogin: lastLogin === null ? null : isoTime(lastLogin),
      lastUpdated: isoTime(lastUpdated),
      passwordChanged: hasPassword && activated !== null ? isoTime(activated) : null,
      typeId: store.defaultTypeId,
      profile: {
        firstName,
        lastName,
        mobilePhone: null,
        secondEmail: null,
        login,
        email: login,
        department: random.pick(DEPARTMENTS),
        title: random.pick(TITLES),
      },
      hasPassword,
      recoveryQuestion: null,
      provider: { type: 'OKTA', name: 'OKTA' },
      revision: 0,
    };
    store.insert(record);
  }
}
