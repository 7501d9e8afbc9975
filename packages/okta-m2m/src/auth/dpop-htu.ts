/**
 * The `htu` claim of a DPoP proof, normalised the way Okta compares it.
 *
 * RFC 9449 §4.2 defines `htu` as the target URI "without query and fragment parts" and asks servers to apply
 * RFC 3986 syntax- and scheme-based normalisation before comparing. Okta goes further on the path: it compares
 * against the percent-decoded request path (okta-api-facts §2.4, CONFIRMED (field): a request to
 * `/api/v1/users/a%40example.com` needs `htu` `.../users/a@example.com`), and it merges doubled slashes (the
 * Node SDK's `//api/...` htu was refused while the challenge named `/api/...`).
 *
 * Which escapes stay encoded is not documented (UNSURE). We decode every `%XX` sequence that forms valid UTF-8,
 * except those whose decoded form would change the URI's structure or is not allowed raw in a URI:
 * `%25` (`%`), `%2F` (`/`, decoding would add a path segment; servlet containers also refuse an encoded
 * slash by default, so such a request never reaches the DPoP check), `%3F` (`?`), `%23` (`#`), and space,
 * `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}` and control characters. This matches the set Okta's Java SDK
 * re-escapes after decoding (`%`, space, `"`, `#`), which was tested against a live org (okta-sdk-java#1526),
 * plus the structural characters it does not mention.
 */
import { DpopError } from '../errors.js';

/** Characters that are kept percent-encoded in the normalised path. */
const KEEP_ENCODED = new Set(['%', '/', '?', '#', ' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}']);

/**
 * Normalise a request URL into the `htu` of a DPoP proof: scheme and host in lower case, the port only when it
 * is not the scheme's default, the path percent-decoded (see the module comment for the escapes kept) with
 * doubled slashes merged, and no query or fragment.
 *
 * @throws DpopError when the input is not an absolute http(s) URL.
 * @example
 * normalizeHtu('https://Acme.okta.com:443/api/v1/users/a%40b.com?limit=2#x')
 * // 'https://acme.okta.com/api/v1/users/a@b.com'
 */
export function normalizeHtu(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (cause) {
    throw new DpopError(
      'Cannot build a DPoP proof: the request URL is not a valid absolute URL.',
      {},
      { cause },
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DpopError(
      `Cannot build a DPoP proof for a ${parsed.protocol} URL; only http(s) URLs are supported.`,
    );
  }
  // URL already lower-cases scheme and host, drops default ports, resolves dot segments and gives '/' for an
  // empty path; `origin` omits user info, which never belongs in htu.
  const path = decodePath(parsed.pathname).replace(/\/{2,}/g, '/');
  return `${parsed.origin}${path}`;
}

/** Percent-decode a URL path, keeping the escapes listed in the module comment (with upper-case hex). */
function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  // Split into runs of escapes and other text; decode each run of escapes as UTF-8 so multi-byte characters
  // (e.g. `%C3%A9`) come out whole.
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = run.split('%').slice(1);
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const decoded = decodeUtf8Sequence(bytes, i);
      if (decoded === undefined) {
        // Not valid UTF-8 at this position: keep the byte encoded.
        out += `%${(bytes[i] ?? '').toUpperCase()}`;
        i += 1;
        continue;
      }
      const { char, length } = decoded;
      out += mustStayEncoded(char) ? encodeKept(bytes.slice(i, i + length)) : char;
      i += length;
    }
    return out;
  });
}

/** Decode the UTF-8 character starting at `bytes[i]` (hex strings), or undefined when invalid. */
function decodeUtf8Sequence(
  bytes: readonly string[],
  i: number,
): { char: string; length: number } | undefined {
  const length = utf8Length(Number.parseInt(bytes[i] ?? '', 16));
  if (length === 0 || i + length > bytes.length) return undefined;
  try {
    const escapes = bytes.slice(i, i + length).map((b) => `%${b}`);
    return { char: decodeURIComponent(escapes.join('')), length };
  } catch {
    return undefined; // bad continuation bytes or an overlong form
  }
}

/** Length of a UTF-8 sequence from its lead byte; 0 when the byte cannot start one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function mustStayEncoded(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return KEEP_ENCODED.has(char) || code < 0x20 || code === 0x7f;
}

function encodeKept(bytes: readonly string[]): string {
  return bytes.map((b) => `%${b.toUpperCase()}`).join('');
}
