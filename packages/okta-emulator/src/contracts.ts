/**
 * Contracts between the emulator's two halves: the platform and org authorization server
 * (app.ts, state.ts, oauth/*, routes/token.ts, routes/apps.ts, ...) and the management APIs
 * (routes/users.ts, routes/iam.ts, authz/*, users/*, iam/*, plugins/rate-limit.ts, plugins/faults.ts).
 * Both sides import only these types from each other's side, plus the entry points named below.
 */

/** The emulator's clock. Every time-dependent check reads it, so tests can move time. */
export interface Clock {
  /** Milliseconds since the epoch, as the emulator sees it. */
  now(): number;
}

/** Who is calling a `/api/v1` or `/oauth2/v1/clients` route, as established by the platform's API-auth hook. */
export type Principal =
  | {
      /** `Authorization: SSWS <admin token>`: the org's Super Admin API token. */
      kind: 'api-token';
      /** Always SUPER_ADMIN: the token is minted for the org's Super Admin. */
      adminUserId: string;
    }
  | {
      /** An access token issued by the org authorization server to a service app. */
      kind: 'oauth';
      clientId: string;
      /** Scopes carried by the token (`scp`). */
      scopes: readonly string[];
      /** `Bearer`, or `DPoP` when the token is bound (`cnf.jkt`); the WWW-Authenticate challenge uses it. */
      scheme: 'Bearer' | 'DPoP';
      /** The token's `jti` (`AT.`...), for logs and state inspection. */
      tokenId: string;
    };

/** Fastify request decoration set by the platform's API-auth hook on every authenticated management route. */
declare module 'fastify' {
  interface FastifyRequest {
    /** Set for routes under `/api/v1` and `/oauth2/v1/clients`; undefined elsewhere. */
    principal?: Principal;
    /** `X-Okta-Request-Id` of this request. */
    oktaRequestId: string;
  }
}

/** A service app as the management side needs to see it (role assignment, scope checks). */
export interface ClientLookup {
  /** True when a client (OIDC app) with this client_id exists. */
  exists(clientId: string): boolean;
}
