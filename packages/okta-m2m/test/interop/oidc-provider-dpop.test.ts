/**
 * The library's DPoP prover against an independent authorization server (oidc-provider 8.x): the nonce
 * handshake over real HTTP, the binding of the token to the DPoP key (not the client-authentication key), and
 * plain private_key_jwt (Bearer) for comparison.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { createDpopProver } from '../../src/auth/dpop.js';
import type { DpopProver } from '../../src/auth/types.js';
import { loadSigningKey } from '../../src/auth/keys.js';
import type { SigningKey } from '../../src/auth/keys.js';
import { TokenProvider } from '../../src/auth/token-provider.js';
import { createTransport } from '../../src/http/transport.js';
import type { OktaTransport } from '../../src/http/transport.js';
import { resolveTransportOptions } from '../../src/config.js';
import { defaultTokenSettings } from '../helpers/token-fakes.js';
import { Metrics } from '../../src/observability/metrics.js';
import { defaultDeps } from '../../src/deps.js';
import { DpopError } from '../../src/errors.js';
import { createOktaClient } from '../../src/client.js';
import { startOidcProvider } from '../helpers/oidc-provider.js';
import type { OidcProviderHarness } from '../helpers/oidc-provider.js';
import { handAssertion, tokenForm } from '../helpers/hand-assertion.js';

const SCOPES = ['okta.users.read', 'okta.users.manage'];
const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const deps = { clock: Date.now, uuid: randomUUID };

interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
  nonce: string | null;
}

async function postToken(
  op: OidcProviderHarness,
  headers: Record<string, string> = {},
): Promise<TokenResponse> {
  const assertion = await handAssertion({
    clientId: op.clientId,
    tokenEndpoint: op.tokenEndpoint,
    key: clientKey.privateKey,
    alg: 'RS256',
  });
  const response = await fetch(op.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: tokenForm(SCOPES, assertion),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    nonce: response.headers.get('dpop-nonce'),
  };
}

void describe('DPoP prover against oidc-provider (DPoP required, nonce required)', () => {
  let op: OidcProviderHarness;
  let prover: DpopProver;
  let clientThumbprint: string;

  before(async () => {
    const publicJwk = await exportJWK(clientKey.publicKey);
    clientThumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
    op = await startOidcProvider({ clientJwks: [publicJwk], dpop: 'required', requireNonce: true });
    prover = await createDpopProver({ clientAuthThumbprint: clientThumbprint, deps });
  });
  after(() => op.close());

  void it('400 use_dpop_nonce, then 200 DPoP with cnf.jkt = the DPoP key thumbprint, not the client key', async () => {
    const url = new URL(op.tokenEndpoint);
    const first = await postToken(op, { DPoP: await prover.proof({ method: 'POST', url }) });
    assert.equal(first.status, 400);
    assert.equal(first.body['error'], 'use_dpop_nonce');
    assert.ok(first.nonce, 'the server sent a DPoP-Nonce header');

    prover.rememberNonce(url, first.nonce);
    const second = await postToken(op, { DPoP: await prover.proof({ method: 'POST', url }) });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body['token_type'], 'DPoP');
    const stored = await op.findToken(String(second.body['access_token']));
    assert.ok(stored, 'the server knows the token it issued');
    assert.equal(stored.jkt, prover.thumbprint);
    assert.notEqual(stored.jkt, clientThumbprint);

    const log = op.tokenRequests.slice(-2);
    assert.deepEqual(
      log.map((r) => [r.status, r.error ?? r.tokenType]),
      [
        [400, 'use_dpop_nonce'],
        [200, 'DPoP'],
      ],
    );
    assert.equal(log[0]?.proofNonce, undefined);
    assert.equal(log[1]?.proofNonce, first.nonce);
    assert.notEqual(log[0]?.proofJti, log[1]?.proofJti, 'a fresh proof on the retry');
    assert.notEqual(log[0]?.assertionJti, log[1]?.assertionJti, 'a fresh client assertion on the retry');
  });

  void it('a resent proof is refused as a replay (why every attempt needs a new one)', async () => {
    const url = new URL(op.tokenEndpoint);
    const proof = await prover.proof({ method: 'POST', url });
    const ok = await postToken(op, { DPoP: proof });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const replay = await postToken(op, { DPoP: proof });
    assert.equal(replay.status, 400);
    assert.equal(replay.body['error'], 'invalid_grant');
    assert.match(op.tokenRequests.at(-1)?.detail ?? '', /Replay detected/);
  });

  void it('the server checks htu: a proof for another URL is refused', async () => {
    const proof = await prover.proof({ method: 'POST', url: new URL(`${op.issuer}/oauth2/v1/other`) });
    const response = await postToken(op, { DPoP: proof });
    assert.equal(response.status, 400);
    assert.equal(response.body['error'], 'invalid_dpop_proof');
  });

  void it('no proof at all: the DPoP-required client gets no token', async () => {
    const response = await postToken(op);
    assert.equal(response.status, 400);
    assert.equal(response.body['error'], 'invalid_grant');
    assert.match(op.tokenRequests.at(-1)?.detail ?? '', /DPoP proof JWT not provided/);
  });

  void it('an RS256 DPoP key works too, and binds the token to that key', async () => {
    const rsProver = await createDpopProver({ alg: 'RS256', deps });
    const url = new URL(op.tokenEndpoint);
    const first = await postToken(op, { DPoP: await rsProver.proof({ method: 'POST', url }) });
    assert.equal(first.body['error'], 'use_dpop_nonce');
    rsProver.rememberNonce(url, first.nonce ?? '');
    const second = await postToken(op, { DPoP: await rsProver.proof({ method: 'POST', url }) });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal((await op.findToken(String(second.body['access_token'])))?.jkt, rsProver.thumbprint);
  });
});

void describe('private_key_jwt alone against oidc-provider (DPoP off): Bearer', () => {
  let op: OidcProviderHarness;
  before(async () => {
    op = await startOidcProvider({ clientJwks: [await exportJWK(clientKey.publicKey)], dpop: 'off' });
  });
  after(() => op.close());

  void it('issues a Bearer token with no binding, for aud = the token endpoint URL', async () => {
    const response = await postToken(op);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body['token_type'], 'Bearer');
    assert.equal(response.body['scope'], SCOPES.join(' '));
    assert.equal((await op.findToken(String(response.body['access_token'])))?.jkt, undefined);
  });

  void it('refuses a replayed client assertion (the jti is single-use)', async () => {
    const assertion = await handAssertion({
      clientId: op.clientId,
      tokenEndpoint: op.tokenEndpoint,
      key: clientKey.privateKey,
      alg: 'RS256',
    });
    const send = () =>
      fetch(op.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: tokenForm(SCOPES, assertion),
      });
    assert.equal((await send()).status, 200);
    const replay = await send();
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_client');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Through the library: the TokenProvider runs the handshake with the prover, over the real transport.

interface LibrarySetup {
  tokens: TokenProvider;
  transport: OktaTransport;
  signingKey: SigningKey;
  prover: () => DpopProver | undefined;
}

function librarySetup(op: OidcProviderHarness, signingKey: SigningKey, dpop: 'auto' | boolean): LibrarySetup {
  const transport = createTransport(resolveTransportOptions({ retry: false, breaker: false }), {
    ...defaultDeps(),
    metrics: new Metrics(),
  });
  let created: DpopProver | undefined;
  const tokens = new TokenProvider({
    transport,
    ...defaultTokenSettings(new URL(op.tokenEndpoint)),
    tokenEndpoint: new URL(op.tokenEndpoint),
    clientId: op.clientId,
    signingKey,
    scopes: SCOPES,
    dpop,
    dpopProver: async () =>
      (created = await createDpopProver({ clientAuthThumbprint: signingKey.thumbprint, deps })),
    refreshTimer: false,
  });
  return { tokens, transport, signingKey, prover: () => created };
}

const libraryKey = loadSigningKey({
  privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString(),
  keyId: 'lib-key-1',
});

void describe('TokenProvider against oidc-provider (DPoP required, nonce required)', () => {
  let op: OidcProviderHarness;
  let lib: LibrarySetup;
  before(async () => {
    op = await startOidcProvider({
      clientJwks: [libraryKey.publicJwk() as JsonWebKey],
      dpop: 'required',
      requireNonce: true,
    });
    lib = librarySetup(op, libraryKey, true);
  });
  after(async () => {
    lib.tokens.close();
    await lib.transport.close();
    await op.close();
  });

  void it('handshake: use_dpop_nonce then a DPoP token bound to the DPoP key, not the client key', async () => {
    const token = await lib.tokens.getToken();
    const prover = lib.prover();
    assert.ok(prover);
    assert.equal(token.type, 'DPoP');
    assert.equal(token.jkt, prover.thumbprint);
    const stored = await op.findToken(token.value);
    assert.equal(stored?.jkt, prover.thumbprint, 'the server bound the token to the DPoP key');
    assert.notEqual(stored?.jkt, libraryKey.thumbprint);
    assert.deepEqual(
      op.tokenRequests.map((r) => [r.status, r.error ?? r.tokenType]),
      [
        [400, 'use_dpop_nonce'],
        [200, 'DPoP'],
      ],
    );
    const [first, second] = op.tokenRequests;
    assert.notEqual(first?.proofJti, second?.proofJti);
    assert.notEqual(first?.assertionJti, second?.assertionJti);
    assert.equal(second?.proofNonce, first?.nonceSent);
  });

  void it('the nonce is remembered: a later fetch (other scopes) needs one request', async () => {
    const before = op.tokenRequests.length;
    const token = await lib.tokens.getToken(['okta.users.read']);
    assert.equal(token.type, 'DPoP');
    assert.equal(op.tokenRequests.length - before, 1);
    assert.equal(op.tokenRequests.at(-1)?.status, 200);
  });

  void it('authorize() gives a DPoP header with a fresh proof carrying ath for the token', async () => {
    const url = new URL(`${op.issuer}/api/v1/users/ada%40example.com?limit=1`);
    const a = await lib.tokens.authorize({ method: 'GET', url });
    const b = await lib.tokens.authorize({ method: 'GET', url });
    assert.equal(a.headers['Authorization'], `DPoP ${a.token.value}`);
    const claims = (proof: string | undefined) =>
      JSON.parse(Buffer.from(String(proof).split('.')[1] ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
    const ca = claims(a.headers['DPoP']);
    assert.equal(ca['htu'], `${op.issuer}/api/v1/users/ada@example.com`);
    assert.equal(ca['htm'], 'GET');
    assert.equal(ca['ath'], createHash('sha256').update(a.token.value).digest('base64url'));
    assert.notEqual(ca['jti'], claims(b.headers['DPoP'])['jti']);
  });
});

void describe('TokenProvider against oidc-provider: Bearer, and a server that never converges', () => {
  void it('DPoP off at the server, dpop false: private_key_jwt alone gives an unbound Bearer token', async (t) => {
    const op = await startOidcProvider({ clientJwks: [libraryKey.publicJwk() as JsonWebKey], dpop: 'off' });
    const lib = librarySetup(op, libraryKey, false);
    t.after(async () => {
      lib.tokens.close();
      await lib.transport.close();
      await op.close();
    });
    const token = await lib.tokens.getToken();
    assert.equal(token.type, 'Bearer');
    assert.equal((await op.findToken(token.value))?.jkt, undefined);
    assert.equal(lib.prover(), undefined, 'no DPoP key is even created');
    assert.equal(op.tokenRequests.length, 1);
    assert.equal(op.tokenRequests[0]?.proofJti, undefined, 'no DPoP header was sent');
  });

  void it('a server that always answers use_dpop_nonce: DpopError after 3 requests, each with a fresh proof', async (t) => {
    const op = await startOidcProvider({
      clientJwks: [libraryKey.publicJwk() as JsonWebKey],
      dpop: 'required',
      neverConverge: true,
    });
    const lib = librarySetup(op, libraryKey, true);
    t.after(async () => {
      lib.tokens.close();
      await lib.transport.close();
      await op.close();
    });
    await assert.rejects(lib.tokens.getToken(), (e: unknown) => {
      assert.ok(e instanceof DpopError, String(e));
      assert.match(e.message, /did not converge after 3 token requests/);
      return true;
    });
    assert.equal(op.tokenRequests.length, 3);
    assert.equal(new Set(op.tokenRequests.map((r) => r.proofJti)).size, 3);
    assert.equal(new Set(op.tokenRequests.map((r) => r.assertionJti)).size, 3);
    // Each retry carries the nonce the previous answer sent.
    assert.equal(op.tokenRequests[1]?.proofNonce, op.tokenRequests[0]?.nonceSent);
    assert.equal(op.tokenRequests[2]?.proofNonce, op.tokenRequests[1]?.nonceSent);
  });
});

void describe('createOktaClient against oidc-provider', () => {
  void it('dpop: true — the client gets a DPoP token bound to its DPoP key from an independent server', async (t) => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const key = loadSigningKey({ privateKey: pem, keyId: 'client-key-1' });
    const op = await startOidcProvider({
      clientJwks: [key.publicJwk() as JsonWebKey],
      dpop: 'required',
      requireNonce: true,
    });
    const client = createOktaClient({
      orgUrl: op.issuer,
      tokenEndpoint: op.tokenEndpoint,
      clientId: op.clientId,
      privateKey: pem,
      keyId: 'client-key-1',
      scopes: SCOPES,
      dpop: true,
    });
    t.after(async () => {
      await client.close();
      await op.close();
    });
    const token = await client.tokens.getToken();
    assert.equal(token.type, 'DPoP');
    const stored = await op.findToken(token.value);
    assert.ok(stored?.jkt);
    assert.equal(stored.jkt, token.jkt);
    assert.notEqual(stored.jkt, client.signingKey!.thumbprint);
    assert.deepEqual(
      op.tokenRequests.map((r) => r.status),
      [400, 200],
    );
  });
});
