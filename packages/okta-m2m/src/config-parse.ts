/**
 * Parsers for the configuration values that need more than a type check: http(s) URLs (a bare host means https,
 * http only on loopback, no credentials or query) and the DPoP option. Each reports problems through a callback
 * and returns the parsed value, or `undefined` when it cannot.
 */
import { DPOP_ALGORITHMS, type DpopAlgorithm, type DpopKeyInput } from './auth/dpop-key.js';
import type { ResolvedConfig } from './config-types.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parse an http(s) URL; with `allowBareHost`, a bare host means https and trailing slashes are dropped.
 * @example
 * parseHttpUrl('acme.okta.com', 'orgUrl', true, console.error)?.href // 'https://acme.okta.com/'
 */
export function parseHttpUrl(
  value: unknown,
  label: string,
  allowBareHost: boolean,
  report: (m: string) => void,
): URL | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    report(
      label === 'orgUrl' ? 'Required: your Okta org URL, e.g. https://acme.okta.com.' : 'Must be a URL.',
    );
    return undefined;
  }
  let text = value.trim();
  if (allowBareHost && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    report(`"${value}" is not a valid URL, e.g. https://acme.okta.com.`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    report(
      `Must use https (http is only allowed for loopback hosts 127.0.0.1, localhost, ::1); got ${url.protocol}//${url.host}.`,
    );
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    report('Must not contain credentials.');
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    report('Must not contain a query string or fragment.');
    return undefined;
  }
  if (allowBareHost) {
    // Normalise: drop trailing slashes so paths join without "//" (Okta compares DPoP htu exactly).
    url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  }
  return url;
}

/**
 * Parse the `dpop` option: `'auto'` (also when unset), `true`, `false`, or `{ key | keyPath, alg }` (DPoP on).
 * @example
 * parseDpop({ alg: 'ES256' }, console.error) // { mode: true, key: undefined, keyPath: undefined, alg: 'ES256' }
 */
export function parseDpop(value: unknown, report: (m: string) => void): ResolvedConfig['dpop'] | undefined {
  const none = { key: undefined, keyPath: undefined, alg: undefined };
  if (value === undefined || value === 'auto') return { mode: 'auto', ...none };
  if (value === true || value === false) return { mode: value, ...none };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { key, keyPath, alg } = value as { key?: unknown; keyPath?: unknown; alg?: unknown };
    const extra = Object.keys(value).filter((k) => k !== 'key' && k !== 'keyPath' && k !== 'alg');
    if (extra.length > 0) report(`Unknown dpop field(s): ${extra.join(', ')}. Use { key or keyPath, alg }.`);
    if (alg !== undefined && !(DPOP_ALGORITHMS as readonly unknown[]).includes(alg)) {
      report(`dpop.alg must be one of ${DPOP_ALGORITHMS.join(', ')}.`);
    }
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'object') {
      report('dpop.key must be PEM text, a private JWK or a KeyObject.');
    }
    if (keyPath !== undefined && (typeof keyPath !== 'string' || keyPath.trim() === '')) {
      report('dpop.keyPath must be the path of a file holding the DPoP private key (OKTA_DPOP_KEY_PATH).');
    }
    if (key !== undefined && keyPath !== undefined) report('Give dpop.key or dpop.keyPath, not both.');
    return {
      mode: true,
      key: key as DpopKeyInput | undefined,
      keyPath: keyPath as string | undefined,
      alg: alg as DpopAlgorithm | undefined,
    };
  }
  report("Must be 'auto' (default), true, false, or { key or keyPath, alg }.");
  return undefined;
}
