/**
 * `okta-m2m token`: one token request, printing the token type (Bearer or DPoP), its expiry and the scopes
 * granted. The token itself is a secret and is printed only with `--show-token`.
 */
import { flag, type CommandContext } from '../command.js';
import { withClient } from '../client.js';
import { jsonText } from '../io.js';

/** Run token. */
export async function run(ctx: CommandContext): Promise<number> {
  const show = flag(ctx, 'showToken');
  return withClient(ctx, async (client) => {
    // The token value is read only when asked for; otherwise only its description.
    const token = show ? await client.tokens.getToken() : await client.tokens.warmUp();
    const summary = {
      tokenType: token.type,
      expiresAt: new Date(token.expiresAt).toISOString(),
      expiresInSeconds: Math.max(0, Math.round((token.expiresAt - Date.now()) / 1000)),
      scopes: [...token.scopes],
      missingScopes: [...token.missingScopes],
    };
    if (flag(ctx, 'json')) {
      ctx.io.out(jsonText(show && 'value' in token ? { ...summary, accessToken: token.value } : summary));
    } else {
      ctx.io.out(
        `Token type: ${summary.tokenType}\nExpires:    ${summary.expiresAt} (in ${summary.expiresInSeconds} s)\nScopes:     ${summary.scopes.join(' ')}\n`,
      );
      if (show && 'value' in token) ctx.io.out(`Token:      ${token.value}\n`);
    }
    if (summary.missingScopes.length > 0) {
      ctx.io.err(
        `warning: not granted: ${summary.missingScopes.join(', ')}. Grant them on the app's Okta API Scopes tab, or run \`okta-m2m doctor\`.\n`,
      );
    }
    return 0;
  });
}
