/**
 * Type tests of the `okta-m2m/core` subpath: the building blocks compose into a client, and the main entry does
 * not export them. Checked by `npm run typecheck`; never executed.
 */
import {
  createTransport,
  defaultDeps,
  Metrics,
  processTokenResponse,
  TokenProvider,
  UsersApi,
  type HttpRequest,
  type OktaTransport,
  type RequestAuthorizer,
} from 'okta-m2m/core';
import type { OktaAccessToken, OktaUser, SigningKey } from 'okta-m2m';
import * as main from 'okta-m2m';
import { expectType, value } from './expect.js';

const transport = createTransport({ timeoutMs: 1000 }, { ...defaultDeps(), metrics: new Metrics() });
expectType<OktaTransport>()(transport);
const tokens = new TokenProvider({
  transport,
  tokenEndpoint: new URL('https://acme.okta.com/oauth2/v1/token'),
  clientId: '0oa1',
  audience: 'https://acme.okta.com/oauth2/v1/token',
  signingKey: value<SigningKey>(),
  scopes: ['okta.users.read'],
  dpop: false,
});
const authorizer: RequestAuthorizer = tokens;
expectType<Promise<OktaAccessToken>>()(tokens.getToken());
const users = new UsersApi({ transport, authorizer, orgUrl: 'https://acme.okta.com' });
expectType<Promise<OktaUser>>()(users.get('00u1'));
const request: HttpRequest = { method: 'GET', url: new URL('https://acme.okta.com'), headers: {} };
void request;
expectType<'token' | 'dpop-required' | 'use-nonce'>()(
  processTokenResponse(value<main.HttpResponse>(), { requestedScopes: [], now: 0 }).kind,
);

// @ts-expect-error building blocks are not on the main entry
void main.TokenProvider;
// @ts-expect-error building blocks are not on the main entry
void main.createTransport;
// @ts-expect-error building blocks are not on the main entry
void main.headerValue;
// @ts-expect-error building blocks are not on the main entry
void main.defaultDeps;
