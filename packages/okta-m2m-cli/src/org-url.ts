/**
 * Reading the org URL given to `setup` (which needs no client settings): a bare host means https, and plain
 * http is accepted only for loopback hosts such as the emulator.
 */
import { CliError } from './cli-error.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parse an org URL or throw a config failure naming the fix.
 * @example
 * parseOrgUrl('acme.okta.com').href // 'https://acme.okta.com/'
 */
export function parseOrgUrl(value: string | undefined): URL {
  if (value === undefined || value.trim() === '') {
    throw new CliError(
      'config',
      'No Okta org URL: set OKTA_DOMAIN or pass --org-url.',
      'e.g. --org-url https://acme.okta.com',
    );
  }
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? value.trim() : `https://${value.trim()}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('config', `"${value}" is not a URL.`, 'e.g. --org-url https://acme.okta.com');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new CliError(
      'config',
      `The org URL must use https (got ${url.protocol}//${url.host}).`,
      'http is only accepted for loopback hosts such as a local emulator.',
    );
  }
  return new URL(url.origin);
}
