#!/usr/bin/env node
/**
 * The `users-service` command (`npm start` at the repository root). With `OKTA_DOMAIN` set it serves that org
 * with the guide's `OKTA_*` variables; without it, it starts the embedded demo org (the Okta emulator with a
 * ready app and seeded users) and generates a read key and a write key. It validates the configuration (every
 * problem at once), listens, prints where it is and what to try, re-reads the Okta client key on SIGHUP (from the
 * start: a SIGHUP while it starts is done once the app exists), and shuts down gracefully on SIGTERM/SIGINT.
 */
import { ConfigError, KeyError } from 'okta-m2m';
import { generateApiKey } from './api-keys.js';
import { buildApp } from './app.js';
import { loadServiceConfig, ServiceConfigError } from './config.js';
import { startEmbeddedOrg, type EmbeddedOrg } from './demo/embedded-org.js';
import { closeGracefully } from './shutdown.js';
import { startBanner } from './start-banner.js';

async function main(): Promise<number> {
  // SIGHUP re-reads the client key. It is handled from the start (Node's default would end a starting
  // process); one that arrives before the app exists is kept and done as soon as it does.
  const hup: { reload: ((reason: string) => void) | undefined; whileStarting: boolean } = {
    reload: undefined,
    whileStarting: false,
  };
  process.on('SIGHUP', () => {
    if (hup.reload === undefined) hup.whileStarting = true;
    else hup.reload('SIGHUP');
  });
  const env: Record<string, string | undefined> = { ...process.env };
  let org: EmbeddedOrg | undefined;
  let keys: { read: string; write: string } | undefined;
  if ((env['OKTA_DOMAIN'] ?? '').trim() === '') {
    org = await startEmbeddedOrg();
    Object.assign(env, org.env);
    if ((env['API_KEYS'] ?? '').trim() === '') {
      const read = generateApiKey('demo-reader', 'users:read');
      const write = generateApiKey('demo-writer', 'users:write');
      env['API_KEYS'] = `${read.entry},${write.entry}`;
      keys = { read: read.key, write: write.key };
    }
  }

  let app;
  let config;
  try {
    config = loadServiceConfig(env);
    app = await buildApp({
      okta: config.okta,
      apiKeys: config.apiKeys,
      logLevel: config.logLevel,
      tokenStore: config.tokenStore,
    });
  } catch (error) {
    await org?.close();
    if (error instanceof ServiceConfigError || error instanceof ConfigError || error instanceof KeyError) {
      console.error(`${error.message}\nSee apps/users-service/README.md for every variable.`);
      return 1;
    }
    throw error;
  }

  const started = app;
  // A rotated key file is picked up without a restart (watched too; SIGHUP forces a re-read).
  hup.reload = (reason) => {
    started
      .reloadOktaKey(reason)
      .catch((error: unknown) => started.log.warn({ err: error }, 'key reload failed'));
  };
  if (hup.whileStarting) {
    app.log.info({ signal: 'SIGHUP' }, 'SIGHUP received while starting: re-reading the client key now');
    hup.reload('SIGHUP');
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await org?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      console.error(
        `Cannot listen on ${config.host}:${config.port} (${code}). Set PORT to a free port (PORT=0 picks one) or HOST to a local address.`,
      );
      return 1;
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let sample: { id: string; login: string } | undefined;
  if (keys !== undefined) {
    const res = await app.inject({
      url: '/users?limit=1',
      headers: { authorization: `Bearer ${keys.read}` },
    });
    const first = (res.json() as { users?: { id: string; login: string }[] }).users?.[0];
    if (first !== undefined) sample = { id: first.id, login: first.login };
  }
  console.log(
    startBanner({
      url,
      emulatorUrl: org?.emulator.url,
      orgUrl: org === undefined ? env['OKTA_DOMAIN'] : undefined,
      keys,
      sample,
    }).join('\n'),
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.error(`${signal} again: exiting now.`);
        process.exit(1);
      }
      stopping = true;
      app.log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      void closeGracefully(app, config.shutdownTimeoutMs)
        .then(async (clean) => {
          await org?.close();
          app.log.info({ clean }, 'stopped');
          resolve(clean ? 0 : 1);
        })
        .catch((error: unknown) => {
          console.error(error);
          resolve(1);
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
