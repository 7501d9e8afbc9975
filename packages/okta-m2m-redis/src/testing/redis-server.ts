/**
 * `okta-m2m-redis/testing`: a real `redis-server` for tests (Debian's package), for this package's tests and for
 * a service's own: started on a free 127.0.0.1 port with no persistence, killed and restarted on the same port
 * for failure tests, stopped at the end. Where the binary is missing the test fails at once with the command
 * that installs it (the repository's scripts/test.mjs installs it first when it may).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The command that installs the server on Debian or Ubuntu. */
export const INSTALL_REDIS = 'sudo apt-get update && sudo apt-get install -y redis-server';

/**
 * A running test server.
 * @example
 * const redis: TestRedis = await startRedis(); await redis.kill(); await redis.restart(); await redis.stop();
 */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** SIGKILL the server (no shutdown, like a crash). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT the server: connected, but answering nothing (a hung Redis). */
  pause(): void;
  resume(): void;
  /** Start it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stop it and remove its directory. */
  stop(): Promise<void>;
}

/**
 * The `redis-server` binary, or a thrown error naming the command to install it.
 * @example
 * const binary = redisServerBinary(); // '/usr/bin/redis-server'
 */
export function redisServerBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`redis-server is not installed; these tests need a real Redis. Run: ${INSTALL_REDIS}`);
}

/**
 * Start a server on a free loopback port.
 * @example
 * const redis = await startRedis(); t.after(() => redis.stop());
 */
export async function startRedis(): Promise<TestRedis> {
  const binary = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launch(binary, port, dir);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  const stopChild = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = undefined;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    current.kill('SIGCONT'); // a paused server handles SIGTERM only once continued
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => stopChild('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    restart: async () => {
      await stopChild('SIGKILL');
      child = await launch(binary, port, dir);
    },
    stop: async () => {
      await stopChild('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launch(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start on port ${port}:\n${output}`)),
      10_000,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      fail(new Error(`redis-server exited (${code}) on port ${port}:\n${output}`)),
    );
    child.once('error', fail);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
