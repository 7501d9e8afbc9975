/**
 * The command's `--demo-app DIR`: an API Services app set up the way the guide does, its private key
 * written to DIR with mode 0600, reused across restarts when the state and the key file still match.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jwkThumbprint } from './lib/jws.js';
import type { ServiceAppCredentials, ServiceAppOptions } from './service-app.js';
import type { OidcApp } from './state/org-records.js';

/** What the demo app needs from a running emulator (a `RunningEmulator` is one). */
export interface DemoAppHost {
  createServiceApp(opts: ServiceAppOptions): Promise<ServiceAppCredentials>;
  built: { state: { apps: ReadonlyMap<string, OidcApp> } };
}

/** Label of the app `--demo-app` creates. */
export const DEMO_APP_LABEL = 'okta-emulator-demo';
/** File name of the demo app's private key inside the `--demo-app` directory. */
export const DEMO_KEY_FILE = 'okta-emulator-demo-private-key.pem';

/** What the CLI prints for the demo app. */
export interface DemoAppInfo {
  clientId: string;
  keyId: string;
  privateKeyPath: string;
  dpop: boolean;
}

/**
 * Creates (or, with a persisted state, reuses) a ready API Services app and writes its private key as PEM
 * with mode 0600 into `dir`. Reuse needs the same app in the state and the key file still matching it.
 */
export async function setUpDemoApp(emu: DemoAppHost, dir: string, dpop: boolean): Promise<DemoAppInfo> {
  const directory = resolve(dir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(directory, DEMO_KEY_FILE);

  const existing = reuse(emu, privateKeyPath, dpop);
  if (existing) return existing;

  const app = await emu.createServiceApp({ label: DEMO_APP_LABEL, dpop });
  writeFileSync(privateKeyPath, app.privateKeyPem, { mode: 0o600 });
  chmodSync(privateKeyPath, 0o600); // the file may have existed with looser permissions
  return { clientId: app.clientId, keyId: app.keyId, privateKeyPath, dpop };
}

function reuse(emu: DemoAppHost, privateKeyPath: string, dpop: boolean): DemoAppInfo | undefined {
  if (!existsSync(privateKeyPath)) return undefined;
  let kid: string | undefined;
  try {
    const publicJwk = createPublicKey(createPrivateKey(readFileSync(privateKeyPath, 'utf8'))).export({
      format: 'jwk',
    });
    kid = jwkThumbprint(publicJwk as Record<string, unknown>);
  } catch {
    return undefined;
  }
  for (const app of emu.built.state.apps.values()) {
    if (app.label !== DEMO_APP_LABEL || app.dpopBound !== dpop || app.status !== 'ACTIVE') continue;
    if (app.keys.some((k) => k.status === 'ACTIVE' && k.jwk.kid === kid) && kid !== undefined) {
      chmodSync(privateKeyPath, 0o600);
      return { clientId: app.id, keyId: kid, privateKeyPath, dpop };
    }
  }
  return undefined;
}
