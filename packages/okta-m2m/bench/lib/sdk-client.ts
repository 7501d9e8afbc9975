/**
 * The official @okta/okta-sdk-nodejs client as the benchmarks configure it: private_key_jwt, `okta.users.read`,
 * its cache turned off (so every call reaches the server, like okta-m2m's calls). Loaded on first use, so a worker
 * that never runs the SDK does not load it.
 */
import type { Client } from '@okta/okta-sdk-nodejs';

/** What identifies the SDK's service app. */
export interface SdkApp {
  orgUrl: string;
  clientId: string;
  keyId: string;
  privateKeyPem: string;
}

/**
 * A new SDK client for `app`, cache off.
 * @example
 * const sdk = await createSdkClient({ orgUrl, clientId: 'bearer-sdk', keyId: 'bench', privateKeyPem: pem });
 * await sdk.userApi.getUser({ userId });
 */
export async function createSdkClient(app: SdkApp): Promise<Client> {
  const okta = (await import('@okta/okta-sdk-nodejs')).default;
  return new okta.Client({
    orgUrl: app.orgUrl,
    authorizationMode: 'PrivateKey',
    clientId: app.clientId,
    keyId: app.keyId,
    privateKey: app.privateKeyPem,
    scopes: ['okta.users.read'],
    cacheMiddleware: null,
  });
}
