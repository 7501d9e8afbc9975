/**
 * The embedded demo org: with no `OKTA_DOMAIN`, `npm start` runs the local Okta emulator in this process with
 * an API Services app set up the way the guide does it (a key pair, both scopes granted, a custom admin role
 * over a resource set of all users, DPoP required as on a new org) and a few hundred seeded users, and gives
 * the service the `OKTA_*` variables that point at it. The emulator is NOT Okta; its keys are for development.
 */
import { startEmulator, type RunningEmulator } from 'okta-emulator';

/** A running demo org. */
export interface EmbeddedOrg {
  emulator: RunningEmulator;
  /** The guide's variables for the demo app (the private key is passed inline, never written to disk). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Options of {@link startEmbeddedOrg}. */
export interface EmbeddedOrgOptions {
  /** Seeded users. Default 300. */
  users?: number;
  /** Seed of the generated users (the same seed gives the same users). Default 1. */
  seed?: number;
}

/**
 * Start the emulator on a free loopback port with the demo app.
 * @example
 * const org = await startEmbeddedOrg();
 * const config = loadServiceConfig({ ...process.env, ...org.env });
 */
export async function startEmbeddedOrg(options: EmbeddedOrgOptions = {}): Promise<EmbeddedOrg> {
  const emulator = await startEmulator({ seedUsers: options.users ?? 300, seed: options.seed ?? 1 });
  try {
    const app = await emulator.createServiceApp({
      label: 'users-service-demo',
      dpop: true,
      role: 'custom-users',
    });
    return {
      emulator,
      env: {
        OKTA_DOMAIN: emulator.url,
        OKTA_CLIENT_ID: app.clientId,
        OKTA_KEY_ID: app.keyId,
        OKTA_PRIVATE_KEY: app.privateKeyPem,
        OKTA_SCOPES: 'okta.users.read okta.users.manage',
        OKTA_DPOP: 'true',
      },
      close: () => emulator.close(),
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
