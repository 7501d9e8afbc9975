/**
 * The fleet test's harness: starts replica processes (replica.ts under tsx, as the test runner loads
 * TypeScript), talks to them over IPC, kills one like a crash, and watches Redis with MONITOR.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const REPLICA = fileURLToPath(new URL('./replica.ts', import.meta.url));

/** One emulator app as a replica's client uses it. */
export interface ReplicaApp {
  orgUrl: string;
  clientId: string;
  keyId: string;
  privateKeyPath: string;
  /** One DPoP key file shared by the fleet (OKTA_DPOP_KEY_PATH). */
  dpopKeyPath: string;
}

/** What a replica needs to build its two clients (see replica.ts). */
export interface ReplicaConfig {
  /** The app of the client that shares tokens through Redis. */
  redis: ReplicaApp;
  /** The app of the client with the in-memory store, side by side. */
  memory: ReplicaApp;
  redisUrl: string;
  encryptionKey: string;
  leaseMs: number;
}

/** A replica's answer to `calls`. */
export interface CallsResult {
  ok: number;
  failed: number;
  errors: string[];
  waited: number;
  mode: string;
  /** Times the replica's store fell back to memory so far (redis client only). */
  degraded?: number;
}

/** One replica process. */
export class Replica {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (value: Record<string, unknown>) => void>();
  #next = 1;
  readonly ready: Promise<void>;

  constructor(config: ReplicaConfig) {
    this.#child = fork(REPLICA, [], {
      execArgv: ['--conditions=source', '--import', 'tsx'],
      env: { ...process.env, FLEET_REPLICA: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`replica exited (${code}) before it was ready`)));
      this.#child.on('message', (message: { id?: number; ready?: boolean }) => {
        if (message.ready) return resolve();
        const done = message.id === undefined ? undefined : this.#pending.get(message.id);
        if (done !== undefined && message.id !== undefined) {
          this.#pending.delete(message.id);
          done(message as Record<string, unknown>);
        }
      });
    });
  }

  request<T = Record<string, unknown>>(message: Record<string, unknown>): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve) => {
      this.#pending.set(id, resolve as (value: Record<string, unknown>) => void);
      this.#child.send({ ...message, id });
    });
  }

  /** SIGKILL: the replica dies without releasing anything. */
  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.send({ cmd: 'close', id: 0 });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Start `count` replicas and wait until all have built their clients. */
export async function startFleet(count: number, config: ReplicaConfig): Promise<Replica[]> {
  const replicas = Array.from({ length: count }, () => new Replica(config));
  await Promise.all(replicas.map((r) => r.ready));
  return replicas;
}

/**
 * Every command Redis executes, as the text MONITOR prints, read on a plain socket (reattached after a
 * restart).
 */
export class MonitorLog {
  readonly lines: string[] = [];
  #socket: Socket | undefined;

  async attach(port: number): Promise<void> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\r\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts.filter((line) => line !== '+OK'));
    });
    socket.write('MONITOR\r\n');
    this.#socket = socket;
  }

  detach(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}

/** Every key and value in Redis, as text (SCAN, then GET or HGETALL by type). */
export async function dumpRedis(url: string): Promise<string[]> {
  const redis = new Redis(url);
  redis.on('error', () => undefined);
  try {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value = type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : await redis.get(key);
        out.push(`${key} ${type} ${value ?? ''}`);
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}
