/**
 * One listing run in a fresh process (so its peak RSS is this run's alone), for bench/listing.ts: list `--max`
 * users 200 per page with okta-m2m (`users.list`) or the official SDK (`listUsers().each`), touching each user.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createOktaClient } from '../../src/client.js';
import { createSdkClient } from './sdk-client.js';
import { serveCommands } from './worker.js';

const { values } = parseArgs({
  options: { kind: { type: 'string' }, url: { type: 'string' }, max: { type: 'string' } },
});
const orgUrl = values.url ?? '';
const max = Number(values.max);
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** What one run measured. */
export interface ListResult {
  users: number;
  seconds: number;
  cpuMs: number;
  peakRssMb: number;
  startRssMb: number;
}

async function listOkta(): Promise<number> {
  const client = createOktaClient({
    orgUrl,
    clientId: 'bearer-client',
    keyId: 'bench',
    privateKey: pem,
    scopes: ['okta.users.read'],
    dpop: false,
  });
  let n = 0;
  let chars = 0;
  for await (const user of client.users.list({ limit: 200 })) {
    chars += user.profile.login.length;
    if (++n >= max) break;
  }
  await client.close();
  return chars > 0 ? n : 0;
}

async function listSdk(): Promise<number> {
  const sdk = await createSdkClient({ orgUrl, clientId: 'bearer-sdk', keyId: 'bench', privateKeyPem: pem });
  let n = 0;
  let chars = 0;
  const collection = await sdk.userApi.listUsers({ limit: 200 });
  await collection.each((user: { profile?: { login?: string } }) => {
    chars += user.profile?.login?.length ?? 0;
    return ++n < max;
  });
  return chars > 0 ? n : 0;
}

serveCommands(
  { kind: values.kind },
  {
    list: async (): Promise<ListResult> => {
      const startRssMb = process.memoryUsage().rss / 1048576;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const users = values.kind === 'sdk' ? await listSdk() : await listOkta();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return {
        users,
        seconds,
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        startRssMb,
      };
    },
  },
);
