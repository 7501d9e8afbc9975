// Benchmark worker, one process per side so each side's CPU is its own: `library` makes users.get calls
// with the library alone; `service` runs the users service (logging at info, as deployed) and reports its
// CPU when asked. Driven over IPC by bench/service-overhead.ts.
import { Writable } from 'node:stream';
import { createOktaClient, fromEnv } from 'okta-m2m';
import { parseApiKeys } from '../../src/api-keys.js';
import { buildApp } from '../../src/app.js';

type Message =
  { type: 'run'; n: number; concurrency: number; ids: string[] } | { type: 'cpu' } | { type: 'stop' };

const mode = process.argv[2];
const send = (m: unknown): void => void process.send?.(m);
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

if (mode === 'library') {
  const client = createOktaClient(fromEnv());
  process.on('message', (m: Message) => {
    if (m.type === 'stop') void client.close().then(() => process.exit(0));
    if (m.type !== 'run') return;
    void (async () => {
      const latencies: number[] = [];
      let next = 0;
      const before = cpuUs();
      const worker = async (): Promise<void> => {
        while (next < m.n) {
          const id = m.ids[next++ % m.ids.length] as string;
          const t = performance.now();
          await client.users.get(id);
          latencies.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: m.concurrency }, worker));
      send({ type: 'done', cpuUs: cpuUs() - before, latencies });
    })();
  });
  send({ type: 'ready' });
} else {
  const config = { apiKeys: parseApiKeys(process.env['API_KEYS'] ?? '').keys };
  // Log lines are produced and serialised as in production, then dropped.
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const app = await buildApp({ okta: fromEnv(), apiKeys: config.apiKeys, logLevel: 'info', logStream: sink });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (m: Message) => {
    if (m.type === 'cpu') send({ type: 'cpu', cpuUs: cpuUs() });
    if (m.type === 'stop') void app.close().then(() => process.exit(0));
  });
  send({ type: 'ready', url });
}
