/**
 * Helpers for integration tests against the emulator: a client for a service app.
 */
import type { RunningEmulator, ServiceAppCredentials } from 'okta-emulator';
import { createOktaClient, type OktaClient, type OktaClientOptions } from '../../src/index.js';

/** A client for `app` on `emu`, closed by the caller (`t.after(() => client.close())`). */
export function clientFor(
  emu: RunningEmulator,
  app: ServiceAppCredentials,
  options: Partial<OktaClientOptions> = {},
): OktaClient {
  return createOktaClient({
    orgUrl: emu.url,
    clientId: app.clientId,
    keyId: app.keyId,
    privateKey: app.privateKeyPem,
    transport: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    ...options,
  });
}
