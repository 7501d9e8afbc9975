/**
 * A minimal fake Okta org for measuring clients, run as its own process (see worker.ts). It verifies nothing
 * (no assertion, proof or token checks), so the client's cost is what the benchmark sees:
 * - `POST /oauth2/v1/token`: an access token; `token_type` DPoP when the assertion's `iss` starts with `dpop`,
 *   Bearer otherwise (the payload is decoded, never verified);
 * - `GET /api/v1/users/{id}`: one Okta user object (the emulator's shape, 1.9 KB) with Okta's headers
 *   (`Date`, `X-Okta-Request-Id`, `X-Rate-Limit-*`);
 * - `GET /api/v1/users?limit=&after=`: pages of a synthetic org of `--users` users with `link` headers (every
 *   page has the same 200 users; the cursor is the page number).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { serveCommands } from './worker.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '100000' } } });
const TOTAL = Number(values.users);
let origin = '';
let requestCount = 0;

/** The user object with index `i` (ids sort in index order). */
function user(i: number): Record<string, unknown> {
  const id = `00u${String(i).padStart(17, '0')}`;
  const self = `${origin}/api/v1/users/${id}`;
  const link = (path: string): { href: string; method: string } => ({
    href: `${self}${path}`,
    method: 'POST',
  });
  return {
    id,
    status: 'ACTIVE',
    created: '2024-10-03T10:51:57.357Z',
    activated: '2024-10-03T10:52:00.065Z',
    statusChanged: '2024-10-03T10:52:00.065Z',
    lastLogin: '2025-11-07T06:01:31.319Z',
    lastUpdated: '2025-11-07T23:02:41.807Z',
    passwordChanged: '2024-10-03T10:52:00.065Z',
    type: { id: 'oty4OlHB2QanICeXlBiS' },
    profile: {
      firstName: 'Emeka',
      lastName: `Dubois${i}`,
      mobilePhone: null,
      secondEmail: null,
      login: `emeka.dubois${i}@example.com`,
      email: `emeka.dubois${i}@example.com`,
      department: 'Marketing',
      title: 'Director',
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      suspend: link('/lifecycle/suspend'),
      resetPassword: link('/lifecycle/reset_password'),
      resetFactors: link('/lifecycle/reset_factors'),
      expirePassword: link('/lifecycle/expire_password'),
      forgotPassword: link('/credentials/forgot_password'),
      changeRecoveryQuestion: link('/credentials/change_recovery_question'),
      changePassword: link('/credentials/change_password'),
      deactivate: link('/lifecycle/deactivate'),
      schema: { href: `${origin}/api/v1/meta/schemas/user/osclzEk9KPF9jZ7G3crE` },
      type: { href: `${origin}/api/v1/meta/types/user/oty4OlHB2QanICeXlBiS` },
      self: { href: self },
    },
  };
}

let oneUser = '';
const ACCESS_TOKEN = `eyJraWQiOiJmYWtlIiwiYWxnIjoiUlMyNTYifQ.${Buffer.from(
  JSON.stringify({ ver: 1, jti: 'AT.fake', iss: 'fake', aud: 'fake', scp: ['okta.users.read'] }),
).toString('base64url')}.${'s'.repeat(342)}`;

function oktaHeaders(res: ServerResponse, length: number): void {
  const now = Date.now();
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', length);
  res.setHeader('date', new Date(now).toUTCString());
  res.setHeader('x-okta-request-id', `req${(++requestCount).toString(36).padStart(22, 'A')}`);
  res.setHeader('x-rate-limit-limit', '1000');
  res.setHeader('x-rate-limit-remaining', '999');
  res.setHeader('x-rate-limit-reset', String(Math.floor(now / 1000) + 60));
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.statusCode = status;
  oktaHeaders(res, Buffer.byteLength(body));
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.end(body);
}

function token(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    const assertion = new URLSearchParams(body).get('client_assertion') ?? '';
    let iss = '';
    try {
      iss = String(
        (JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as { iss?: unknown })
          .iss,
      );
    } catch {
      // not a JWT: Bearer
    }
    const dpop = iss.startsWith('dpop');
    send(
      res,
      200,
      JSON.stringify({
        token_type: dpop ? 'DPoP' : 'Bearer',
        expires_in: 3600,
        access_token: ACCESS_TOKEN,
        scope: 'okta.users.read okta.users.manage',
      }),
    );
  });
}

/** Pages are served from one pre-rendered body per size (the cursor is the page number): no server work per page. */
const pageBodies = new Map<number, string>();
function list(url: URL, res: ServerResponse): void {
  const limit = Math.max(1, Math.min(200, Number(url.searchParams.get('limit') ?? '200')));
  const page = Number(url.searchParams.get('after') ?? '0');
  const count = Math.max(0, Math.min(limit, TOTAL - page * limit));
  const key = count;
  let body = pageBodies.get(key);
  if (body === undefined) {
    body = JSON.stringify(Array.from({ length: count }, (_, i) => user(i)));
    pageBodies.set(key, body);
  }
  const links = [`<${origin}/api/v1/users?limit=${limit}>; rel="self"`];
  if ((page + 1) * limit < TOTAL)
    links.push(`<${origin}/api/v1/users?after=${page + 1}&limit=${limit}>; rel="next"`);
  send(res, 200, body, { link: links.join(', ') });
}

const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url === '/oauth2/v1/token') return token(req, res);
  if (req.method === 'GET' && url.startsWith('/api/v1/users/')) return send(res, 200, oneUser);
  if (req.method === 'GET' && url.startsWith('/api/v1/users')) return list(new URL(url, origin), res);
  req.resume();
  send(
    res,
    404,
    JSON.stringify({
      errorCode: 'E0000022',
      errorSummary: 'The endpoint does not support the provided HTTP method',
    }),
  );
});
server.headersTimeout = 0;
server.requestTimeout = 0;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
oneUser = JSON.stringify(user(1));
serveCommands(
  { url: origin, userId: `00u${String(1).padStart(17, '0')}` },
  { cpu: () => process.cpuUsage() },
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
