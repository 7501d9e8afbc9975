/**
 * Parses RFC 8288 `link` headers. Okta sends one header line per link (`rel="self"`, `rel="next"`); proxies and
 * some clients join them with commas. Both forms, and a mix of them, parse to the same map. Pure.
 */

/**
 * Parse `link` header values into a map from relation type to URL (the text between `<` and `>`, verbatim:
 * pagination URLs are opaque and must be followed as given). A link with several relations
 * (`rel="next last"`) is listed under each; when a relation repeats, the first one wins.
 *
 * @example
 * parseLinkHeader([
 *   '<https://example.okta.com/api/v1/users?limit=200>; rel="self"',
 *   '<https://example.okta.com/api/v1/users?after=00u1&limit=200>; rel="next"',
 * ]).next // 'https://example.okta.com/api/v1/users?after=00u1&limit=200'
 */
export function parseLinkHeader(values: string | readonly string[] | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) {
    for (const link of parseOne(value)) {
      for (const rel of link.rels) if (!(rel in links)) links[rel] = link.url;
    }
  }
  return links;
}

interface ParsedLink {
  url: string;
  rels: string[];
}

/** One header value: `<url>; param=value; param="quoted, value", <url2>; ...`. */
function parseOne(value: string): ParsedLink[] {
  const out: ParsedLink[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const open = value.indexOf('<', i);
    if (open === -1) break;
    const close = value.indexOf('>', open + 1);
    if (close === -1) break;
    const url = value.slice(open + 1, close).trim();
    i = close + 1;
    const rels: string[] = [];
    // Parameters until the comma that ends this link (commas inside quotes do not count).
    while (i < n) {
      i = skipSpace(value, i);
      if (value[i] === ',') {
        i++;
        break;
      }
      if (value[i] !== ';') {
        // Junk between links: skip to the next link.
        const next = value.indexOf('<', i);
        i = next === -1 ? n : next;
        break;
      }
      i = skipSpace(value, i + 1);
      const nameStart = i;
      while (i < n && /[^\s=;,]/.test(value[i]!)) i++;
      const name = value.slice(nameStart, i).toLowerCase();
      i = skipSpace(value, i);
      let paramValue = '';
      if (value[i] === '=') {
        i = skipSpace(value, i + 1);
        if (value[i] === '"') {
          i++;
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\' && i + 1 < n) i++;
            paramValue += value[i];
            i++;
          }
          i++; // closing quote
        } else {
          const start = i;
          while (i < n && /[^\s;,]/.test(value[i]!)) i++;
          paramValue = value.slice(start, i);
        }
      }
      if (name === 'rel') rels.push(...paramValue.toLowerCase().split(/\s+/).filter(Boolean));
    }
    if (url !== '') out.push({ url, rels });
  }
  return out;
}

function skipSpace(value: string, i: number): number {
  while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++;
  return i;
}
