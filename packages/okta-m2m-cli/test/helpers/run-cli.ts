/**
 * Test helpers: spawn the built `okta-m2m` command (bin/okta-m2m.js → dist) with a clean environment in a
 * temporary directory, and set up emulator apps with their key files. A run has a time limit, and a command
 * still running when its test ends (a test that failed or timed out first) is killed: no orphan outlives a test.
 */
import { afterEach } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator, ServiceAppOptions } from 'okta-emulator';

const BIN = fileURLToPath(new URL('../../bin/okta-m2m.js', import.meta.url));

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Commands still running; killed after each test. */
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** How long one run may take by default before it is killed and the call rejects. */
export const CLI_RUN_TIMEOUT_MS = 60_000;

/**
 * Run the command; `env` is the whole environment besides PATH and HOME. Rejects (with what the command printed)
 * when it has not exited after `timeoutMs`; it is killed then.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const cwd = options.cwd ?? tempDir();
  const timeoutMs = options.timeoutMs ?? CLI_RUN_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      if (code === null) {
        reject(
          new Error(
            `okta-m2m ${args.join(' ')} did not exit within ${timeoutMs} ms (${signal ?? 'killed'}).\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
      } else {
        resolve({ code, stdout, stderr });
      }
    });
  });
}

/** Parse stdout as JSON, with the run in the error when it is not. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'okta-m2m-cli-test-'));
}

/** An emulator app with its private key in a file; returns the environment that configures the CLI for it. */
export async function appEnv(
  emu: RunningEmulator,
  options: ServiceAppOptions = {},
  dir: string = tempDir(),
): Promise<{ env: Record<string, string>; clientId: string; keyId: string; keyPath: string; dir: string }> {
  const app = await emu.createServiceApp(options);
  const keyPath = join(dir, `${app.clientId}.pem`);
  writeFileSync(keyPath, app.privateKeyPem, { mode: 0o600 });
  return {
    env: {
      OKTA_DOMAIN: emu.url,
      OKTA_CLIENT_ID: app.clientId,
      OKTA_KEY_ID: app.keyId,
      OKTA_PRIVATE_KEY_PATH: keyPath,
      OKTA_DPOP: 'auto',
    },
    clientId: app.clientId,
    keyId: app.keyId,
    keyPath,
    dir,
  };
}

/** A call to the emulator's Management API with its admin token. */
export async function adminCall<T = Record<string, unknown>>(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(new URL(path, emu.url), {
    method,
    headers: {
      authorization: `SSWS ${emu.adminToken}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}
