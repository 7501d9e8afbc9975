/**
 * A real, independent authorization server for interop tests: oidc-provider 8.x (a certified OpenID Provider)
 * on 127.0.0.1:0, configured like Okta's org authorization server for a service app: `client_credentials`,
 * `private_key_jwt` client authentication, Okta-scoped access, token endpoint at `/oauth2/v1/token`, and DPoP
 * off, optional or required (with or without server nonces).
 *
 * Differences from Okta worth knowing when reading interop results (read from oidc-provider 8.8 source):
 * - the client assertion's `aud` may be the issuer, the token endpoint URL or the endpoint called (Okta:
 *   exactly the token endpoint); `jti` is mandatory and single-use (Okta: single-use when present);
 * - DPoP required but no proof: 400 `invalid_grant` "DPoP proof JWT not provided" (Okta: 400
 *   `invalid_dpop_proof` "The DPoP proof JWT header is missing."), so automatic DPoP detection does not
 *   trigger here;
 * - nonces rotate every 60 s and a new `DPoP-Nonce` may arrive on a successful response.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  /** The public JWK(s) of the client's private_key_jwt key(s). */
  clientJwks: JsonWebKey[];
  /** `off`: DPoP disabled; `optional`: proofs accepted; `required`: the client's tokens must be DPoP-bound. */
  dpop: 'off' | 'optional' | 'required';
  /** Demand a server nonce in token-request proofs (features.dPoP.requireNonce). Default false. */
  requireNonce?: boolean;
  /** Answer every token request with 400 use_dpop_nonce and a new nonce (a server that never converges). */
  neverConverge?: boolean;
  /** Default `0oaoidcprovider`. */
  clientId?: string;
  /** Default `['okta.users.read', 'okta.users.manage']`. */
  scopes?: string[];
}

/** One token request as the server saw it (no secrets: only whether artefacts were present, and their jti). */
export interface RecordedTokenRequest {
  status: number;
  error: string | undefined;
  /** The `jti` of the DPoP proof, when one was sent (decoded without verification). */
  proofJti: string | undefined;
  /** The proof's `nonce` claim. */
  proofNonce: string | undefined;
  /** The `jti` of the client assertion. */
  assertionJti: string | undefined;
  /** oidc-provider's internal reason for an error (its `error_detail`, not sent to clients). */
  detail: string | undefined;
  /** The `DPoP-Nonce` response header. */
  nonceSent: string | undefined;
  tokenType: string | undefined;
}

/** A running oidc-provider. */
export interface OidcProviderHarness {
  issuer: string;
  tokenEndpoint: string;
  clientId: string;
  /** Token requests in arrival order. */
  tokenRequests: RecordedTokenRequest[];
  /** Look an issued access token up in the server's store: its `cnf.jkt` binding and scope. */
  findToken(value: string): Promise<{ jkt: string | undefined; scope: string | undefined } | undefined>;
  close(): Promise<void>;
}

/**
 * Start oidc-provider on 127.0.0.1 with an ephemeral port.
 * @example
 * const op = await startOidcProvider({ clientJwks: [publicJwk], dpop: 'required', requireNonce: true });
 * t.after(() => op.close());
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProviderHarness> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? '0oaoidcprovider';
  const scopes = options.scopes ?? ['okta.users.read', 'okta.users.manage'];
  const store = new Map<string, Record<string, unknown>>();
  const tokenRequests: RecordedTokenRequest[] = [];

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(store),
    clients: [
      {
        client_id: clientId,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: undefined,
        jwks: { keys: options.clientJwks },
        scope: scopes.join(' '),
        ...(options.dpop === 'required' ? { dpop_bound_access_tokens: true } : {}),
      },
    ],
    scopes,
    jwks: { keys: [{ ...signingKey, kid: 'op-signing', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: { token: '/oauth2/v1/token' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: {
        enabled: options.dpop !== 'off',
        nonceSecret: randomBytes(32),
        requireNonce: () => options.requireNonce === true,
      },
    },
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
      dPoPSigningAlgValues: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
    },
  });

  const details = new WeakMap<object, string>();
  for (const event of ['grant.error', 'server_error']) {
    provider.on(event, (ctx: unknown, error: unknown) => {
      const detail = (error as { error_detail?: unknown }).error_detail;
      if (typeof ctx === 'object' && ctx !== null && typeof detail === 'string') details.set(ctx, detail);
    });
  }

  provider.use(async (ctx, next) => {
    if (ctx.path !== '/oauth2/v1/token') return next();
    if (options.neverConverge === true) {
      ctx.status = 400;
      ctx.set('DPoP-Nonce', randomBytes(16).toString('base64url'));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        error: 'use_dpop_nonce',
        error_description: 'Authorization server requires nonce in DPoP proof.',
      };
      const form = new URLSearchParams(await readBody(ctx));
      tokenRequests.push(record(ctx, Object.fromEntries(form), undefined));
      return;
    }
    await next();
    tokenRequests.push(record(ctx, ctx.oidc?.body ?? {}, details.get(ctx)));
  });

  server.on('request', provider.callback());
  return {
    issuer,
    tokenEndpoint: `${issuer}/oauth2/v1/token`,
    clientId,
    tokenRequests,
    async findToken(value) {
      const token = await provider.ClientCredentials.find(value);
      return token === undefined ? undefined : { jkt: token.jkt, scope: token.scope };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function record(
  ctx: KoaContext,
  form: Record<string, unknown>,
  detail: string | undefined,
): RecordedTokenRequest {
  const proof = claimsOf(ctx.get('DPoP'));
  const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
  const assertion =
    typeof form['client_assertion'] === 'string' ? claimsOf(form['client_assertion']) : undefined;
  const nonceSent = ctx.response.get('DPoP-Nonce');
  return {
    status: ctx.status,
    error: typeof body['error'] === 'string' ? body['error'] : undefined,
    proofJti: stringClaim(proof, 'jti'),
    proofNonce: stringClaim(proof, 'nonce'),
    assertionJti: stringClaim(assertion, 'jti'),
    detail,
    nonceSent: nonceSent === '' ? undefined : nonceSent,
    tokenType: typeof body['token_type'] === 'string' ? body['token_type'] : undefined,
  };
}

async function readBody(ctx: KoaContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Decode a JWT's claims without verifying (for the request log only). */
function claimsOf(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function stringClaim(claims: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = claims?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** oidc-provider's storage contract, in memory, without the quick-start adapter's warning. */
function memoryAdapter(store: Map<string, Record<string, unknown>>) {
  return class MemoryAdapter {
    readonly #name: string;
    constructor(name: string) {
      this.#name = name;
    }
    #key(id: string): string {
      return `${this.#name}:${id}`;
    }
    upsert(id: string, payload: Record<string, unknown>): Promise<void> {
      store.set(this.#key(id), { ...payload });
      return Promise.resolve();
    }
    find(id: string): Promise<Record<string, unknown> | undefined> {
      return Promise.resolve(store.get(this.#key(id)));
    }
    findByUid(): Promise<undefined> {
      return Promise.resolve(undefined);
    }
    findByUserCode(): Promise<undefined> {
      return Promise.resolve(undefined);
    }
    consume(id: string): Promise<void> {
      const found = store.get(this.#key(id));
      if (found) found['consumed'] = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    }
    destroy(id: string): Promise<void> {
      store.delete(this.#key(id));
      return Promise.resolve();
    }
    revokeByGrantId(): Promise<void> {
      return Promise.resolve();
    }
  };
}
