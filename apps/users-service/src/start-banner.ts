/**
 * What `npm start` prints once the service listens: where it is, the demo's API keys, and three curl commands
 * to try (list, get by login, rename). Plain text for a person; the `Service:` line is stable for scripts.
 */

/** What the banner shows. */
export interface BannerInput {
  url: string;
  /** The embedded emulator's URL, in the demo. */
  emulatorUrl?: string | undefined;
  /** Okta org URL when talking to a real org. */
  orgUrl?: string | undefined;
  /** Generated keys (demo only). */
  keys?: { read: string; write: string } | undefined;
  /** A user to show in the examples. */
  sample?: { id: string; login: string } | undefined;
}

/**
 * The banner's lines.
 * @example
 * console.log(startBanner({ url: 'http://127.0.0.1:3000' }).join('\n'));
 */
export function startBanner(input: BannerInput): string[] {
  const read = input.keys?.read ?? '$READ_KEY';
  const write = input.keys?.write ?? '$WRITE_KEY';
  const login = input.sample?.login ?? 'someone@example.com';
  const id = input.sample?.id ?? '00u...';
  const lines = [''];
  if (input.emulatorUrl !== undefined) {
    lines.push(
      `Okta emulator: ${input.emulatorUrl}  (a local stand-in for an Okta org; NOT Okta, development keys only)`,
      '  demo app: private_key_jwt, DPoP required, okta.users.read + okta.users.manage, custom role over all users',
    );
  } else if (input.orgUrl !== undefined) {
    lines.push(`Okta org: ${input.orgUrl}`);
  }
  lines.push(`Service: ${input.url}`);
  if (input.keys !== undefined) {
    lines.push(
      `  read key  (users:read):  ${input.keys.read}`,
      `  write key (users:write): ${input.keys.write}`,
      '  (generated for this run; set API_KEYS to use your own)',
    );
  }
  lines.push(
    '',
    'Try:',
    `  curl -s -H 'Authorization: Bearer ${read}' '${input.url}/users?limit=3'`,
    `  curl -s -H 'Authorization: Bearer ${read}' '${input.url}/users/${encodeURIComponent(login)}'`,
    `  curl -s -X PUT -H 'Authorization: Bearer ${write}' -H 'Content-Type: application/json' \\`,
    `       -d '{"firstName":"Ada","lastName":"Lovelace"}' '${input.url}/users/${id}/name'`,
    '',
    `Console: ${input.url}/  (open it in a browser and enter one of the keys)`,
    `Also: ${input.url}/openapi.json  ${input.url}/metrics  ${input.url}/readyz`,
    'Logs follow as JSON lines. Press Ctrl-C to stop.',
    '',
  );
  return lines;
}
