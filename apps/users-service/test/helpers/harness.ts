// Test harness: a real emulator on 127.0.0.1:0 with a service app set up as the guide does it, and the service
// built over it with a generated read key and write key. Log lines are captured for redaction checks.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from 'okta-emulator';
import type { OktaClientOptions } from 'okta-m2m';
import { generateApiKey } from '../../src/api-keys.js';
import { buildApp, type BuildAppOptions } from '../../src/app.js';

export interface Harness {
  emu: RunningEmulator;
  clientId: string;
  okta: OktaClientOptions;
  app: FastifyInstance;
  readKey: string;
  writeKey: string;
  logs: string[];
  /** Emulator API requests under /api/v1 so far. */
  apiRequests(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  users?: number;
  emulator?: EmulatorOptions;
  okta?: Partial<OktaClientOptions>;
  app?: Partial<BuildAppOptions>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ seedUsers: options.users ?? 60, seed: 7, ...options.emulator });
  const credentials = await emu.createServiceApp({ label: 'users-service-test', dpop: true });
  const okta: OktaClientOptions = {
    orgUrl: emu.url,
    clientId: credentials.clientId,
    keyId: credentials.keyId,
    privateKey: credentials.privateKeyPem,
    dpop: true,
    ...options.okta,
  };
  const read = generateApiKey('reader', 'users:read');
  const write = generateApiKey('writer', 'users:write');
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp({
    okta,
    apiKeys: [read.apiKey, write.apiKey],
    logStream,
    logLevel: 'debug',
    ...options.app,
  });
  return {
    emu,
    clientId: credentials.clientId,
    okta,
    app,
    readKey: read.key,
    writeKey: write.key,
    logs,
    apiRequests: () => emu.stats().apiRequests,
    close: async () => {
      await app.close();
      await emu.close();
    },
  };
}

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** Removes every admin role of the client through the emulator's admin API (as an Okta admin would). */
export async function removeRoles(emu: RunningEmulator, clientId: string): Promise<number> {
  const headers = { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' };
  const list = await fetch(`${emu.url}/oauth2/v1/clients/${clientId}/roles`, { headers });
  const roles = (await list.json()) as { id: string }[];
  for (const role of roles) {
    const res = await fetch(`${emu.url}/oauth2/v1/clients/${clientId}/roles/${role.id}`, {
      method: 'DELETE',
      headers,
    });
    if (res.status !== 204) throw new Error(`role removal answered ${res.status}`);
  }
  return roles.length;
}

/** Adds a fault rule through the emulator's control API. */
export async function addFault(emu: RunningEmulator, rule: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emu.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  if (res.status !== 201) throw new Error(`fault answered ${res.status}: ${await res.text()}`);
}

export async function clearFaults(emu: RunningEmulator): Promise<void> {
  await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
}
