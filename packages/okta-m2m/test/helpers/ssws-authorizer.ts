/**
 * A RequestAuthorizer for tests that talk to the emulator with its Super Admin API token
 * (`Authorization: SSWS <token>`): an injected collaborator standing in for the token provider, so that the
 * request side can be tested on its own. It records every call the request side makes.
 */
import type {
  AccessToken,
  Authorization,
  AuthorizeRequest,
  RequestAuthorizer,
} from '../../src/auth/types.js';

export class SswsAuthorizer implements RequestAuthorizer {
  readonly authorized: { method: string; url: string }[] = [];
  readonly rejected: string[] = [];
  /** Tokens handed out in order; the last one repeats. */
  constructor(private readonly tokens: string[]) {}

  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const value = this.tokens.length > 1 ? this.tokens.shift()! : this.tokens[0]!;
    this.authorized.push({ method: request.method, url: request.url.href });
    const token: AccessToken = {
      value,
      type: 'Bearer',
      expiresAt: Number.MAX_SAFE_INTEGER,
      obtainedAt: 0,
      scopes: [],
    };
    return { headers: { authorization: `SSWS ${value}` }, token };
  }
  rejectToken(token: AccessToken): void {
    this.rejected.push(token.value);
  }
  insufficientScope(): boolean {
    return false;
  }
  dpopNonce(): void {}
}
