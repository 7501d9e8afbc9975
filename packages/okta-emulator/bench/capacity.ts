/**
 * The emulator's capacity on this machine: token requests per second and user GETs per second, so the rest of
 * the project knows how hard it can be pushed as a load target.
 *
 * The emulator runs as its own process (the built CLI, as a user runs it), with rate limits raised out of the
 * way; this process is the load generator (undici Pool, keep-alive, fixed concurrency). Client assertions are
 * signed before each timed token run, so the run measures the emulator, not the client's RSA signing.
 * Several runs; the table shows each run and the median.
 *
 * Run: npm run build && node --import tsx packages/okta-emulator/bench/capacity.ts [--runs 3] [--concurrency 32]
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    tokens: { type: 'string', default: '1000' },
    gets: { type: 'string', default: '5000' },
  },
});
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const TOKENS_PER_RUN = Number(values.tokens);
const GETS_PER_RUN = Number(values.gets);

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'okta-emulator-bench-'));
const child = spawn(
  process.execPath,
  [
    main,
    '--seed-users',
    '100',
    '--seed',
    '7',
    '--demo-app',
    dir,
    '--demo-app-bearer',
    '--quota',
    '/oauth2/v1/token=1000000',
    '--quota',
    'GET /api/v1/users/{idOrLogin}=1000000',
    '--concurrency',
    '1000',
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
const info = (await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
})) as {
  url: string;
  adminToken: string;
  demoApp: { clientId: string; keyId: string; privateKeyPath: string };
};

const tokenEndpoint = `${info.url}/oauth2/v1/token`;
const key = createPrivateKey(readFileSync(info.demoApp.privateKeyPath));
const pool = new Pool(info.url, { connections: CONCURRENCY, pipelining: 1 });

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function assertion(): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: 'RS256', kid: info.demoApp.keyId, typ: 'JWT' });
  const claims = b64url({
    iss: info.demoApp.clientId,
    sub: info.demoApp.clientId,
    aud: tokenEndpoint,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
  });
  const input = `${header}.${claims}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
function tokenBody(signed: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    scope: 'okta.users.read okta.users.manage',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: signed,
  }).toString();
}

/** Sends `total` requests with `CONCURRENCY` in flight; returns requests per second and the non-200 count. */
async function drive(
  total: number,
  next: (i: number) => Parameters<Pool['request']>[0],
): Promise<{ rps: number; errors: number }> {
  let issued = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (issued < total) {
      const i = issued++;
      const res = await pool.request(next(i));
      if (res.statusCode !== 200) errors++;
      await res.body.text();
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: total / seconds, errors };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: { run: string; tokens: number; gets: number; errors: number }[] = [];

// A token for the GET runs, and the id of a user to read.
const first = await pool.request({
  method: 'POST',
  path: '/oauth2/v1/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: tokenBody(assertion()),
});
const access = ((await first.body.json()) as { access_token: string }).access_token;
const list = await pool.request({
  method: 'GET',
  path: '/api/v1/users?limit=1',
  headers: { authorization: `Bearer ${access}` },
});
const userId = ((await list.body.json()) as { id: string }[])[0]!.id;
const getHeaders = { authorization: `Bearer ${access}`, accept: 'application/json' };
// Sanity check: the measured request really returns the user.
const probe = await pool.request({ method: 'GET', path: `/api/v1/users/${userId}`, headers: getHeaders });
const probed = (await probe.body.json()) as { id?: string; profile?: { login?: string } };
if (probe.statusCode !== 200 || probed.id !== userId || !probed.profile?.login) {
  throw new Error(
    `GET /api/v1/users/{id} answered ${probe.statusCode}, not the user; the benchmark would be void.`,
  );
}

// Warm-up, not counted.
await drive(300, () => ({ method: 'GET', path: `/api/v1/users/${userId}`, headers: getHeaders }));

for (let run = 1; run <= RUNS; run++) {
  const bodies = Array.from({ length: TOKENS_PER_RUN }, () => tokenBody(assertion()));
  const tokens = await drive(TOKENS_PER_RUN, (i) => ({
    method: 'POST',
    path: '/oauth2/v1/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: bodies[i]!,
  }));
  const gets = await drive(GETS_PER_RUN, () => ({
    method: 'GET',
    path: `/api/v1/users/${userId}`,
    headers: getHeaders,
  }));
  rows.push({ run: String(run), tokens: tokens.rps, gets: gets.rps, errors: tokens.errors + gets.errors });
}

const lines = [
  `${RUNS} runs, concurrency ${CONCURRENCY}, loopback, the load generator in a separate process; each run sends ` +
    `${TOKENS_PER_RUN} token requests (pre-signed RS256 assertions) and ${GETS_PER_RUN} user GETs (Bearer).`,
  '',
  '| run | token requests/s | user GETs/s | non-200 |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.run} | ${r.tokens.toFixed(0)} | ${r.gets.toFixed(0)} | ${r.errors} |`),
  `| median | ${median(rows.map((r) => r.tokens)).toFixed(0)} | ${median(rows.map((r) => r.gets)).toFixed(0)} | ${rows.reduce((a, r) => a + r.errors, 0)} |`,
];
console.log(`okta-emulator capacity\n\n${lines.join('\n')}`);
// `npm run bench` (scripts/bench.mjs) collects each script's section from BENCH_REPORT_FILE for docs/benchmarks.md.
const reportFile = process.env['BENCH_REPORT_FILE'];
if (reportFile) {
  const goal = {
    goal: 'emulator: at least 1,000 token requests/s and 5,000 user GETs/s',
    met: false,
    measured: '',
  };
  const [t, g] = [median(rows.map((r) => r.tokens)), median(rows.map((r) => r.gets))];
  goal.measured = `${t.toFixed(0)} token requests/s, ${g.toFixed(0)} GETs/s (medians)`;
  goal.met = t >= 1000 && g >= 5000;
  writeFileSync(
    reportFile,
    JSON.stringify({ title: 'Emulator capacity', markdown: lines.join('\n'), goals: [goal] }),
  );
}

await pool.close();
child.kill('SIGTERM');
