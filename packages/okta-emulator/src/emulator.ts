import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type BuildEmulatorOptions, type BuiltEmulator } from './app.js';
import { createStateSaver, loadSnapshot, type StateSaver } from './persistence.js';
import { createServiceApp, type ServiceAppCredentials, type ServiceAppOptions } from './service-app.js';
import { TOKEN_PATH } from './routes/token.js';

/**
 * Options of {@link startEmulator}: those of {@link buildEmulator} (the org URL comes from the address it
 * listens on; the snapshot and change hook from `statePath`), plus where to listen and the state file.
 */
export interface EmulatorOptions extends Omit<BuildEmulatorOptions, 'orgUrl' | 'snapshot' | 'onChange'> {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Register `/__emulator/*` control routes (default true here; the CLI needs `--control`). */
  control?: boolean;
  /** Load state from this JSON file at start (if it exists) and save it on change and on close. */
  statePath?: string;
}

/** A running emulator, as tests and the CLI use it. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the org URL and issuer. */
  url: string;
  /** `${url}/oauth2/v1/token`. */
  tokenEndpoint: string;
  /** Super Admin API token: `Authorization: SSWS <adminToken>`. */
  adminToken: string;
  app: FastifyInstance;
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  /** Creates a ready API Services app (key, scopes, admin role) and returns its credentials. */
  createServiceApp(opts?: ServiceAppOptions): Promise<ServiceAppCredentials>;
  /**
   * Switches the resource-server nonce mode: `true` demands the current nonce in `/api/v1` proofs, `'always'`
   * refuses every DPoP-bound API request with a new nonce, `false` turns it off (the `DpopResourceNonceMode` of src/state.ts).
   */
  setDpopResourceNonce(mode: boolean | 'always'): void;
  stats(): {
    tokenRequests: number;
    tokenRequestsByClient: Record<string, number>;
    /** `success` or the OAuth `error` code of each token request (see `Stats` in src/state.ts). */
    tokenRequestsByOutcome: Record<string, number>;
    tokensIssued: number;
    apiRequests: number;
  };
  /** Clears apps, tokens, users and counters. */
  reset(): void;
  close(): Promise<void>;
  /** The built emulator (state, management handle, snapshot). */
  built: BuiltEmulator;
}

/**
 * Builds and starts an emulator on 127.0.0.1 (port 0 by default), with the control API on.
 *
 * @example
 * const emu = await startEmulator();
 * const { clientId, keyId, privateKeyPem } = await emu.createServiceApp({ dpop: false });
 * // ... point a client at emu.url ...
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { host: hostOption, port: portOption, statePath, control, seedUsers, ...buildOptions } = options;
  const host = hostOption ?? '127.0.0.1';
  const snapshot = statePath ? loadSnapshot(statePath) : undefined;
  let saver: StateSaver | undefined;
  let built: BuiltEmulator | undefined;
  let url = '';
  for (let attempt = 0; ; attempt++) {
    const fixedPort = portOption !== undefined && portOption > 0 ? portOption : undefined;
    const port = fixedPort ?? (await freePort(host));
    url = `http://${urlHost(host)}:${port}`;
    built = await buildEmulator({
      ...buildOptions,
      orgUrl: url,
      control: control ?? true,
      // A loaded state already has its users.
      ...(seedUsers !== undefined && !snapshot ? { seedUsers } : {}),
      ...(snapshot ? { snapshot } : {}),
      onChange: () => saver?.schedule(),
    });
    try {
      await built.app.listen({ host, port });
      break;
    } catch (err) {
      await built.app.close();
      // Port 0 is resolved before building (the org URL must be known); another process may take it first.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || fixedPort !== undefined || attempt >= 4)
        throw err;
    }
  }
  const emu = built;
  if (statePath) {
    saver = createStateSaver(statePath, () => emu.snapshot());
    saver.flush();
  }
  let counter = 0;
  let closed = false;
  return {
    url,
    tokenEndpoint: url + TOKEN_PATH,
    get adminToken() {
      return emu.adminToken;
    },
    app: emu.app,
    clock: emu.clock,
    built: emu,
    createServiceApp: async (opts?: ServiceAppOptions) => {
      counter++;
      const credentials = await createServiceApp(
        emu.app,
        { orgUrl: url, adminToken: emu.adminToken, counter },
        opts,
      );
      saver?.schedule();
      return credentials;
    },
    setDpopResourceNonce: (mode: boolean | 'always') => {
      emu.platform.dpopResourceNonce = mode === 'always' ? 'always' : mode ? 'required' : 'off';
    },
    stats: () => {
      const s = emu.stats();
      return structuredClone(s);
    },
    reset: () => {
      emu.reset();
      saver?.schedule();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await emu.app.close();
      saver?.flush();
    },
  };
}

/** Asks the OS for a free port on `host`. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The host part of the org URL: wildcard binds are reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
