/**
 * Doctor's checks of the authorization server before any token request: that the org answers, that its
 * metadata names the token endpoint the client will use (and so the assertion audience), and the clock skew
 * between this host and the server's `Date` header.
 */
import type { Findings } from './finding.js';

/** Skew at which Okta starts refusing assertions and proofs (seconds); smaller skews only warn. */
const SKEW_FAIL_SECONDS = 60;
const SKEW_WARN_SECONDS = 5;

/** What the server checks need from the resolved configuration. */
export interface ServerCheckInput {
  orgUrl: URL;
  tokenEndpoint: URL;
  audience: string;
  now: () => number;
  fetch?: typeof fetch;
}

/**
 * Endpoint, audience and clock checks. Returns false when the org cannot be reached (later checks are moot).
 * @example
 * if (!(await checkServer(findings, input))) return;
 */
export async function checkServer(findings: Findings, input: ServerCheckInput): Promise<boolean> {
  const doFetch = input.fetch ?? fetch;
  const metadataUrl = new URL('/.well-known/oauth-authorization-server', input.orgUrl);
  const sentAt = input.now();
  let response: Response;
  try {
    response = await doFetch(metadataUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    findings.fail(
      'endpoint',
      `Cannot reach ${input.orgUrl.origin} (${code}).`,
      'Check OKTA_DOMAIN (--org-url), DNS, proxies and firewalls; the org must be reachable over HTTPS.',
      'network',
    );
    return false;
  }
  const receivedAt = input.now();
  const text = await response.text();
  let metadata: { issuer?: unknown; token_endpoint?: unknown } = {};
  try {
    metadata = JSON.parse(text) as typeof metadata;
  } catch {
    // handled below
  }
  if (!response.ok || typeof metadata.token_endpoint !== 'string') {
    findings.fail(
      'endpoint',
      `${metadataUrl.href} answered ${response.status} without authorization-server metadata.`,
      'Check that OKTA_DOMAIN is the org URL (https://your-org.okta.com), not an admin console or custom domain path.',
      'config',
    );
  } else if (metadata.token_endpoint !== input.tokenEndpoint.href) {
    findings.fail(
      'endpoint',
      `The org's token endpoint is ${metadata.token_endpoint}, but the client would use ${input.tokenEndpoint.href}.`,
      'Unset OKTA_TOKEN_ENDPOINT: Okta API scopes are issued only by the org authorization server (/oauth2/v1/token).',
      'config',
    );
  } else if (input.audience !== input.tokenEndpoint.href) {
    findings.fail(
      'endpoint',
      `The client assertion audience is ${input.audience}, not the token endpoint ${input.tokenEndpoint.href}.`,
      'Unset OKTA_AUDIENCE (it defaults to the token endpoint) or set it to the token endpoint URL; Okta refuses any other aud.',
      'config',
    );
  } else {
    findings.pass('endpoint', `token endpoint ${input.tokenEndpoint.href}, assertion audience the same`);
  }

  const date = response.headers.get('date');
  const serverTime = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(serverTime)) {
    findings.skip('clock', 'The server sent no Date header; clock skew not measured.');
  } else {
    // Date has one-second resolution; compare with the middle of the round trip.
    const skew = Math.round((serverTime + 500 - (sentAt + receivedAt) / 2) / 1000);
    const direction = skew > 0 ? 'behind' : 'ahead of';
    const what = `this host's clock is ${Math.abs(skew)} s ${direction} the server's (Date: ${date})`;
    if (Math.abs(skew) >= SKEW_FAIL_SECONDS) {
      findings.fail(
        'clock',
        what,
        'Synchronise this host with NTP (e.g. `timedatectl set-ntp true`); Okta refuses client assertions and DPoP proofs whose iat/exp are off by minutes.',
        'auth',
      );
    } else if (Math.abs(skew) >= SKEW_WARN_SECONDS) {
      findings.warn('clock', what, 'Enable NTP before the skew grows: Okta allows little leeway.');
    } else {
      findings.pass('clock', `skew ${Math.abs(skew)} s against the server's Date`);
    }
  }
  return true;
}
