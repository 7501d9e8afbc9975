import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { fileURLToPath } from 'node:url';
import { OKTA_ERROR_CATALOG } from '../../src/lib/okta-error-catalog.js';
import {
  ChallengeResponse,
  OAuthProtocolError,
  OktaApiError,
  oktaErrorBody,
  renderOktaError,
} from '../../src/lib/errors.js';
import { OAUTH_ERRORS } from '../../src/lib/oauth-error-catalog.js';
import { installErrorHandler } from '../../src/plugins/error-handler.js';

const DATA = fileURLToPath(new URL('../../reference', import.meta.url));

void test("every OAuth error the emulator emits matches Okta's catalogue (status, error, description)", () => {
  const catalogue = JSON.parse(readFileSync(`${DATA}/oauth2-error-codes.json`, 'utf8')) as {
    errors: { internalErrorCode: string; statusCode: number; errorCode: string; errorDescription: string }[];
  };
  const byKey = new Map(catalogue.errors.map((e) => [e.internalErrorCode, e]));
  for (const [key, [status, error, template]] of Object.entries(OAUTH_ERRORS)) {
    const entry = byKey.get(key);
    assert.ok(entry, `${key} is in the catalogue`);
    assert.equal(status, entry.statusCode, `${key} status`);
    assert.equal(error, entry.errorCode, `${key} error`);
    // The catalogue renders each placeholder as a literal "en".
    assert.equal(template.replace(/\{\d\}/g, 'en'), entry.errorDescription, `${key} description`);
  }
});

void test('the E0000xxx table is the catalogue, entry for entry', () => {
  const catalogue = JSON.parse(readFileSync(`${DATA}/error-codes.json`, 'utf8')) as {
    errors: { errorCode: string; statusCode: number; errorSummary: string }[];
  };
  assert.equal(Object.keys(OKTA_ERROR_CATALOG).length, catalogue.errors.length);
  for (const e of catalogue.errors)
    assert.deepEqual(OKTA_ERROR_CATALOG[e.errorCode], [e.statusCode, e.errorSummary]);
});

void test('§4 Okta error object: errorCode, errorSummary (placeholders filled), errorLink = errorCode, errorId oae+22, errorCauses', () => {
  const body = oktaErrorBody('E0000007', { summaryArgs: ['Resource not found: 00u1 (User)'] });
  assert.deepEqual(Object.keys(body), ['errorCode', 'errorSummary', 'errorLink', 'errorId', 'errorCauses']);
  assert.equal(body.errorSummary, 'Not found: Resource not found: 00u1 (User)');
  assert.equal(body.errorLink, 'E0000007');
  assert.match(body.errorId, /^oae[A-Za-z0-9]{22}$/);
  assert.deepEqual(oktaErrorBody('E0000001', { summaryArgs: ['label'], causes: ['label: x'] }).errorCauses, [
    { errorSummary: 'label: x' },
  ]);
});

void test('§1.5 the error handler renders a 429 E0000047 Okta error object on the token endpoint', async () => {
  const app = Fastify();
  installErrorHandler(app);
  app.post('/oauth2/v1/token', async () => {
    throw new OktaApiError('E0000047', { headers: { 'x-rate-limit-remaining': '0' } });
  });
  app.get('/helper', async (_req, reply) => renderOktaError(reply, new OktaApiError('E0000047')));
  const res = await app.inject({ method: 'POST', url: '/oauth2/v1/token' });
  assert.equal(res.statusCode, 429);
  assert.equal(res.headers['x-rate-limit-remaining'], '0');
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.errorCode, 'E0000047');
  assert.equal(body.errorSummary, 'API call exceeded rate limit due to too many requests.');
  assert.deepEqual(body.errorCauses, []);
  assert.equal((await app.inject({ method: 'GET', url: '/helper' })).statusCode, 429);
  await app.close();
});

void test('the error handler renders OAuth errors, empty-body challenges, and never leaks a stack', async () => {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/oauth', async () => {
    throw new OAuthProtocolError('missing_scopes');
  });
  app.get('/challenge', async () => {
    throw new ChallengeResponse(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
  });
  app.get('/boom', async () => {
    throw new Error('secret internals');
  });
  const oauth = await app.inject({ method: 'GET', url: '/oauth' });
  assert.deepEqual(oauth.json(), { error: 'invalid_scope', error_description: 'No scopes were requested.' });
  const challenge = await app.inject({ method: 'GET', url: '/challenge' });
  assert.equal(challenge.statusCode, 403);
  assert.equal(challenge.body, '');
  assert.equal(challenge.headers['www-authenticate'], 'Bearer error="insufficient_scope"');
  const boom = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(boom.statusCode, 500);
  assert.equal((boom.json() as { errorCode: string }).errorCode, 'E0000009');
  assert.ok(!boom.body.includes('secret internals'));
  await app.close();
});
