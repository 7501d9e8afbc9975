/**
 * Type tests of the main entry: which options createOktaClient accepts and refuses, and what the client hands out.
 * Checked by `npm run typecheck`; never executed.
 */
import {
  createOktaClient,
  fromEnv,
  resolveConfig,
  type OktaAccessToken,
  type OktaClient,
  type OktaClientOptions,
  type ResolvedConfig,
  type TokenInfo,
} from 'okta-m2m';
import { expectType, value } from './expect.js';

const base = { orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKeyPath: './key.pem' };

// Accepted: the minimum, and every documented option.
createOktaClient(base);
createOktaClient(fromEnv());
createOktaClient({
  ...base,
  keyId: 'kid-1',
  scopes: ['okta.users.read'],
  tokenEndpoint: 'https://acme.okta.com/oauth2/v1/token',
  audience: 'https://acme.okta.com/oauth2/v1/token',
  assertionLifetimeSeconds: 300,
  dpop: { keyPath: './dpop.pem', alg: 'ES256' },
  refreshAheadSeconds: 120,
  requireAllScopes: true,
  allowInsecureKeyFile: false,
  transport: {
    timeoutMs: 5000,
    userAgent: 'users-service/1.2',
    retry: false,
    breaker: { failureThreshold: 3 },
    tls: { ca: 'PEM' },
  },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  deps: { clock: () => 0 },
});
createOktaClient({ ...base, dpop: 'auto' });
createOktaClient({ ...base, dpop: false });

// Refused: missing required options, wrong types, options that do not exist.
// @ts-expect-error orgUrl is required
createOktaClient({ clientId: '0oa1', privateKeyPath: './key.pem' });
// @ts-expect-error clientId is required
createOktaClient({ orgUrl: 'https://acme.okta.com', privateKeyPath: './key.pem' });
// @ts-expect-error scopes is a list, not a space-separated string
createOktaClient({ ...base, scopes: 'okta.users.read' });
// @ts-expect-error dpop is 'auto', a boolean or { key | keyPath, alg }
createOktaClient({ ...base, dpop: 'always' });
// @ts-expect-error DPoP algorithms are ES256/384/512 and RS256/384/512
createOktaClient({ ...base, dpop: { alg: 'HS256' } });
// @ts-expect-error timeouts are numbers of milliseconds
createOktaClient({ ...base, transport: { timeoutMs: '5s' } });
// @ts-expect-error the logger must have debug, info, warn and error
createOktaClient({ ...base, logger: { info() {} } });

// The resolved configuration has no optional holes: every default is applied.
const resolved = resolveConfig(base);
expectType<URL>()(resolved.tokenEndpoint);
expectType<string>()(resolved.audience);
expectType<number>()(resolved.refreshAheadSeconds);
expectType<ResolvedConfig>()(resolved);

// The client: a narrow token interface, no building blocks.
const client = value<OktaClient>();
expectType<Promise<OktaAccessToken>>()(client.tokens.getToken());
expectType<Promise<TokenInfo>>()(client.tokens.warmUp(['okta.users.read']));
expectType<boolean>()(client.tokens.dpopActive);
const token = value<OktaAccessToken>();
expectType<'Bearer' | 'DPoP'>()(token.type);
expectType<number>()(token.expiresAt);
expectType<readonly string[]>()(token.scopes);
// @ts-expect-error rejectToken is internal
client.tokens.rejectToken(token);
// @ts-expect-error insufficientScope is internal
client.tokens.insufficientScope(token);
// @ts-expect-error dpopNonce is internal
client.tokens.dpopNonce(new URL('https://acme.okta.com'), 'n');
// @ts-expect-error settled is internal
void client.tokens.settled();
// @ts-expect-error the transport is not handed out, only its status
void client.transport.send(() => ({ method: 'GET', url: new URL('https://acme.okta.com'), headers: {} }), {
  operation: 'x',
  retryable: true,
});
expectType<'closed' | 'open' | 'half-open'>()(client.transport.breakerState);

const opts: OktaClientOptions = base;
void opts;
