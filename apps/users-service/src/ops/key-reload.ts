/**
 * Picking up a rotated client key without a restart: the key file's directory is watched (a key replaced by
 * rename, as `okta-m2m keys rotate` does, is a new file, so the file itself cannot be watched), and a change to
 * the key file or its `.kid` sidecar asks the client to re-read its key; `SIGHUP` does the same (main.ts). The
 * library would notice the change at its next token request anyway; reading at once makes the log line, the
 * metric and /readyz follow the file, and catches a broken file before a token is needed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { KID_SIDECAR_SUFFIX, type KeyStatus, type OktaClient } from 'okta-m2m';

/** A running key-file watch; `stop()` ends it. */
export interface KeyReloader {
  /** Re-read the key now (also what a file change and SIGHUP do). */
  reload(reason: string): Promise<KeyStatus>;
  stop(): void;
}

/** How long changes are gathered before one reload (a rotation writes two files). */
const SETTLE_MS = 100;

/**
 * Reload the client's key on request, and on every change of `keyPath` (when given) or its sidecar.
 * @example
 * const reloader = startKeyReloader(client, '/run/secrets/okta.pem', app.log);
 * process.on('SIGHUP', () => void reloader.reload('SIGHUP'));
 */
export function startKeyReloader(
  client: OktaClient,
  keyPath: string | undefined,
  log: FastifyBaseLogger,
): KeyReloader {
  const reload = async (reason: string): Promise<KeyStatus> => {
    const before = client.tokens.keyStatus().kid;
    const status = await client.tokens.reloadKey();
    log.info(
      { reason, kid: status.kid, previousKid: before, changed: status.kid !== before, usable: status.usable },
      'client key re-read',
    );
    return status;
  };
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (keyPath !== undefined) {
    const names = new Set([basename(keyPath), `${basename(keyPath)}${KID_SIDECAR_SUFFIX}`]);
    try {
      watcher = watch(dirname(keyPath), { persistent: false }, (_event, name) => {
        if (name !== null && !names.has(String(name))) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          reload('key file changed').catch((error: unknown) => log.warn({ err: error }, 'key reload failed'));
        }, SETTLE_MS);
        timer.unref();
      });
      watcher.on('error', (error) => log.warn({ err: error, keyPath }, 'key file watch stopped'));
    } catch (error) {
      log.warn({ err: error, keyPath }, 'cannot watch the key file; send SIGHUP after replacing it');
    }
  }
  return {
    reload,
    stop: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
