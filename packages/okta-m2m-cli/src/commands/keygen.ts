/**
 * `okta-m2m keygen`: a key pair for client authentication (RSA-2048 or P-256) or for DPoP. The private key
 * goes to a PEM file with mode 600; the public key is printed as a JWKS with its kid, ready to paste into the
 * app's Client Credentials (or `okta-m2m setup --key`).
 */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair, type SigningAlg } from 'okta-m2m';
import { flag, stringOption, type CommandContext } from '../command.js';
import { jsonText } from '../io.js';
import { writeKeyFile } from '../key-files.js';

/** Run keygen. */
export async function run(ctx: CommandContext): Promise<number> {
  const dpop = flag(ctx, 'dpop');
  const alg = (stringOption(ctx, 'alg') ?? (dpop ? 'ES256' : 'RS256')) as SigningAlg;
  const privateKeyPath = resolve(
    ctx.cwd,
    stringOption(ctx, 'out') ?? (dpop ? 'okta-m2m-dpop-key.pem' : 'okta-m2m-key.pem'),
  );
  const jwksPath = resolve(
    ctx.cwd,
    stringOption(ctx, 'jwksOut') ?? `${privateKeyPath.replace(/\.pem$/i, '')}.jwks.json`,
  );
  const force = flag(ctx, 'force');
  const pair = await generateKeyPair({ alg });
  const jwks = { keys: [pair.publicJwk] };
  writeKeyFile(privateKeyPath, pair.privateKeyPem, { mode: 0o600, force });
  chmodSync(privateKeyPath, 0o600); // a replaced file keeps its old mode otherwise
  writeKeyFile(jwksPath, jsonText(jwks), { mode: 0o644, force });
  const purpose = dpop ? 'dpop' : 'client-authentication';
  if (flag(ctx, 'json')) {
    ctx.io.out(jsonText({ kid: pair.kid, alg, purpose, privateKeyPath, jwksPath, jwks }));
    return 0;
  }
  ctx.io.out(jsonText(jwks));
  ctx.io.err(
    `Private key: ${privateKeyPath} (mode 600; keep it secret)\nPublic JWKS: ${jwksPath}\nkid: ${pair.kid}\n`,
  );
  ctx.io.err(
    dpop
      ? `Use it with OKTA_DPOP_KEY_PATH=${privateKeyPath} (a DPoP key is not registered on the app).\n`
      : `Register the public key on the app (General → Client Credentials → Add key, paste the JWKS above),\nthen set OKTA_KEY_ID=${pair.kid} OKTA_PRIVATE_KEY_PATH=${privateKeyPath}. Or run \`okta-m2m setup --key ${privateKeyPath}\`.\n`,
  );
  return 0;
}
