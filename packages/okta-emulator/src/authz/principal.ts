/**
 * Who is calling: the principal the API-auth hook establishes for a `/api/v1` or `/oauth2/v1/clients`
 * request, and on which every authorization decision is made.
 */

/** The caller of a protected route. */
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
