/**
 * The emulator in its own process for the end-to-end benchmarks: rate limits and the concurrency limit out of
 * the way, `--users` seeded users, a Bearer and a DPoP service app. Answers `stats` (the emulator's counters).
 * The clock is moved through its control API (`POST /__emulator/clock`) by the client process itself.
 */
import { parseArgs } from 'node:util';
import { startEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { serveCommands } from './worker.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '100' } } });
const UNLIMITED = 1_000_000_000;
const BUCKETS = [
  'GET|POST /api/v1/users',
  'GET /api/v1/users/{idOrLogin}',
  'POST|PUT|DELETE /api/v1/users/{id}',
  '/oauth2/v1/token',
  '/api/v1',
];

/** What the parent learns at start. */
export interface EmulatorInfo {
  url: string;
  bearerApp: ServiceAppCredentials;
  dpopApp: ServiceAppCredentials;
  userIds: string[];
}

const emu = await startEmulator({
  seedUsers: Number(values.users),
  seed: 11,
  quotas: Object.fromEntries(BUCKETS.map((b) => [b, UNLIMITED])),
  concurrencyLimit: UNLIMITED,
});
const bearerApp = await emu.createServiceApp({ dpop: false, label: 'bench-bearer' });
const dpopApp = await emu.createServiceApp({ dpop: true, label: 'bench-dpop' });
const res = await fetch(`${emu.url}/api/v1/users?limit=200`, {
  headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
});
const users = (await res.json()) as { id: string }[];
const info: EmulatorInfo = { url: emu.url, bearerApp, dpopApp, userIds: users.map((u) => u.id) };
serveCommands(info, { stats: () => emu.stats(), cpu: () => process.cpuUsage() }, () => emu.close());
