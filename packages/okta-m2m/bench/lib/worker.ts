/**
 * Child processes for the benchmarks: each client and each server runs in its own process, so one process's
 * CPU time is that side's alone. The parent forks a script with IPC; the child announces itself with a `ready`
 * message and then answers one command at a time.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** A running child. */
export interface Worker<Ready> {
  readonly ready: Ready;
  readonly child: ChildProcess;
  /** Send a command and wait for its answer (commands run one at a time). */
  call<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** Ask the child to exit and wait for it. */
  close(): Promise<void>;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Fork `script` (a .ts file, loaded like the parent: tsx, source conditions) with `args`.
 * `BENCH_PROFILE=<name>` adds `--cpu-prof` to the child started with that `name` (profiles in BENCH_PROFILE_DIR,
 * default ./profiles).
 */
export async function startWorker<Ready>(
  script: URL,
  args: readonly string[],
  name: string,
): Promise<Worker<Ready>> {
  const execArgv = [...process.execArgv];
  if (process.env['BENCH_PROFILE'] === name) {
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR'] ?? 'profiles'}`);
  }
  const child = fork(script, [...args], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { ready: Ready }).ready));
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with ${String(code)} before it was ready`)),
    );
  });
  let next = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const call = <T>(command: string, callArgs: Record<string, unknown> = {}): Promise<T> => {
    const id = ++next;
    const run = queue.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const onExit = (code: number | null): void =>
            reject(new Error(`${name} exited with ${String(code)} during ${command}`));
          child.once('exit', onExit);
          const onMessage = (m: unknown): void => {
            const reply = m as Reply;
            if (reply.id !== id) return;
            child.off('message', onMessage);
            child.off('exit', onExit);
            if (reply.error !== undefined) reject(new Error(`${name} ${command}: ${reply.error}`));
            else resolve(reply.result as T);
          };
          child.on('message', onMessage);
          child.send({ id, command, args: callArgs });
        }),
    );
    queue = run.catch(() => undefined);
    return run;
  };
  const close = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ id: 0, command: 'exit', args: {} });
    await exited;
  };
  return { ready, child, call, close };
}

/** In the child: announce `ready`, then answer commands with `handlers` until told to exit. */
export function serveCommands(
  ready: unknown,
  handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown>,
  onExit: () => Promise<void> | void = () => undefined,
): void {
  process.on('message', (m) => {
    const { id, command, args } = m as { id: number; command: string; args: Record<string, unknown> };
    if (command === 'exit') {
      void Promise.resolve(onExit()).finally(() => process.exit(0));
      return;
    }
    const handler = handlers[command];
    Promise.resolve()
      .then(() => {
        if (handler === undefined) throw new Error(`unknown command ${command}`);
        return handler(args);
      })
      .then(
        (result) => process.send?.({ id, result }),
        (error: unknown) =>
          process.send?.({
            id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.send?.({ ready });
}
