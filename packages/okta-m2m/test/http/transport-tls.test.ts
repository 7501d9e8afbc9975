// TLS options reach the connection pool: a private CA is trusted only when given, and a client certificate is
// presented for mutual TLS. Certificates are generated with the openssl CLI into a temporary directory; without
// openssl these tests FAIL (CI installs it: .ci/run), so a missing tool never passes as skipped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { NetworkError } from '../../src/errors.js';
import { createTransport } from '../../src/http/transport.js';
import { resolveTransportOptions, type TlsOptions } from '../../src/config.js';
import { Metrics } from '../../src/observability/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-tls-'));
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
let cert = '';
let key = '';
let server: Server;
let base = '';

before(async () => {
  assert.ok(haveOpenssl, 'the openssl command is required by the TLS tests (apt-get install openssl)');
  const gen = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  assert.equal(gen.status, 0, gen.stderr.toString());
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
  // The same self-signed certificate serves as server certificate, client certificate and CA.
  server = createServer({ cert, key, ca: cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.end(JSON.stringify({ clientCert: socket.authorized }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function call(tls: TlsOptions | undefined): Promise<string> {
  const transport = createTransport(resolveTransportOptions({ tls, retry: false, breaker: false }), {
    clock: Date.now,
    sleep: async () => undefined,
    random: Math.random,
    metrics: new Metrics(),
  });
  try {
    const res = await transport.send(() => ({ method: 'GET', url: new URL(base + '/'), headers: {} }), {
      operation: 'test',
      retryable: true,
    });
    return res.body;
  } finally {
    await transport.close();
  }
}

void test('a private CA is trusted only when passed as tls.ca', async () => {
  await assert.rejects(call(undefined), (e: unknown) => {
    assert.ok(e instanceof NetworkError);
    assert.match(e.message, /^GET \/: TLS failure|^GET \/: network error/);
    return true;
  });
  assert.deepEqual(JSON.parse(await call({ ca: cert })), { clientCert: false });
});

void test('mutual TLS: tls.cert and tls.key are presented to the server', async () => {
  assert.deepEqual(JSON.parse(await call({ ca: cert, cert, key })), { clientCert: true });
});
