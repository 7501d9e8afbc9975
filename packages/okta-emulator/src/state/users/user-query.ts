/**
 * The Users API's query languages: `filter` and `search` expressions compiled to predicates over user
 * records (operators, attributes, literals, precedence), `q` prefix matching and sort keys.
 */
import { type OktaApiError, problem } from '../../lib/errors.js';
import { SEARCHABLE_TOP_LEVEL, type UserRecord } from './user-record.js';

/** A compiled `filter` or `search` expression. */
export type UserPredicate = (user: UserRecord) => boolean;

/** Which grammar applies: `filter` (a few attributes, `eq` only) or `search` (SCIM-like). */
export type QueryDialect = 'filter' | 'search';

type Value = string | number | boolean | null;
/** A parsed `filter`/`search` expression (shared with the groups query, `state/iam/group-query.ts`). */
export type QueryNode = Node;
type Node =
  | { kind: 'cmp'; attr: string; op: string; value: Value }
  | { kind: 'pr'; attr: string }
  | { kind: 'and'; left: Node; right: Node }
  | { kind: 'or'; left: Node; right: Node };

type Token = { t: 'lp' } | { t: 'rp' } | { t: 'word'; v: string } | { t: 'str'; v: string };

/** Longest expression accepted; Okta rejects "overly complex or long" queries too (management.yaml). */
export const MAX_QUERY_LENGTH = 2048;
const MAX_DEPTH = 16;
const MAX_TERMS = 64;

const FILTER_ATTRS = new Set([
  'status',
  'lastUpdated',
  'id',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
]);
const SEARCH_TOP_LEVEL = new Set<string>([...SEARCHABLE_TOP_LEVEL, 'type.id']);
const DATE_ATTRS = new Set(['created', 'activated', 'statusChanged', 'lastUpdated']);
const CO_ATTRS = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);
const ORDER_OPS = new Set(['gt', 'ge', 'lt', 'le']);
const SEARCH_OPS = new Set(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le']);

function invalid(): OktaApiError {
  return problem('E0000031');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 40) {
      tokens.push({ t: 'lp' });
      i++;
    } else if (c === 41) {
      tokens.push({ t: 'rp' });
      i++;
    } else if (c === 34) {
      let v = '';
      i++;
      for (;;) {
        if (i >= input.length) throw invalid();
        const d = input[i]!;
        if (d === '\\') {
          const next = input[i + 1];
          if (next === undefined) throw invalid();
          v += next;
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      tokens.push({ t: 'str', v });
    } else {
      const start = i;
      while (i < input.length) {
        const d = input.charCodeAt(i);
        if (isSpace(d) || d === 40 || d === 41 || d === 34) break;
        i++;
      }
      tokens.push({ t: 'word', v: input.slice(start, i) });
    }
    if (tokens.length > MAX_TERMS * 4) throw invalid();
  }
  return tokens;
}

class Parser {
  #pos = 0;
  #terms = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.#or(0);
    if (this.#pos !== this.tokens.length) throw invalid();
    return node;
  }

  #peekWord(): string | undefined {
    const tok = this.tokens[this.#pos];
    return tok?.t === 'word' ? tok.v.toLowerCase() : undefined;
  }

  #or(depth: number): Node {
    let left = this.#and(depth);
    while (this.#peekWord() === 'or') {
      this.#pos++;
      left = { kind: 'or', left, right: this.#and(depth) };
    }
    return left;
  }

  #and(depth: number): Node {
    let left = this.#unary(depth);
    while (this.#peekWord() === 'and') {
      this.#pos++;
      left = { kind: 'and', left, right: this.#unary(depth) };
    }
    return left;
  }

  #unary(depth: number): Node {
    if (depth > MAX_DEPTH) throw invalid();
    const tok = this.tokens[this.#pos];
    if (tok === undefined) throw invalid();
    if (tok.t === 'lp') {
      this.#pos++;
      const inner = this.#or(depth + 1);
      if (this.tokens[this.#pos]?.t !== 'rp') throw invalid();
      this.#pos++;
      return inner;
    }
    if (tok.t !== 'word') throw invalid();
    const attr = tok.v;
    const lower = attr.toLowerCase();
    if (lower === 'not' || lower === 'and' || lower === 'or') throw invalid();
    this.#pos++;
    if (++this.#terms > MAX_TERMS) throw invalid();
    const opTok = this.tokens[this.#pos];
    if (opTok?.t !== 'word') throw invalid();
    const op = opTok.v.toLowerCase();
    this.#pos++;
    if (op === 'pr') return { kind: 'pr', attr };
    const valTok = this.tokens[this.#pos];
    if (valTok === undefined || valTok.t === 'lp' || valTok.t === 'rp') throw invalid();
    this.#pos++;
    return { kind: 'cmp', attr, op, value: literal(valTok) };
  }
}

function literal(tok: Token & { v: string }): Value {
  if (tok.t === 'str') return tok.v;
  const lower = tok.v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
  throw invalid();
}

/** Reads an attribute path of a user; undefined when absent. Paths are case-sensitive (management.yaml). */
export function userAttribute(user: UserRecord, attr: string): string | null | undefined {
  if (attr.startsWith('profile.')) {
    // Only the profile's own attributes: a name from the request never reaches an inherited member.
    // Search compares text: a custom number or boolean compares as its string, a list not at all.
    const name = attr.slice(8);
    const v = Object.hasOwn(user.profile, name) ? user.profile[name] : undefined;
    if (v === undefined || v === null || typeof v === 'string') return v;
    return Array.isArray(v) ? undefined : String(v);
  }
  switch (attr) {
    case 'id':
      return user.id;
    case 'status':
      return user.status;
    case 'created':
      return user.created;
    case 'activated':
      return user.activated;
    case 'statusChanged':
      return user.statusChanged;
    case 'lastUpdated':
      return user.lastUpdated;
    case 'lastLogin':
      return user.lastLogin;
    case 'passwordChanged':
      return user.passwordChanged;
    case 'type.id':
      return user.typeId;
    default:
      return undefined;
  }
}

function parseDate(value: Value): number {
  if (typeof value !== 'string') throw invalid();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid();
  return ms;
}

function compileNode(node: Node, dialect: QueryDialect): UserPredicate {
  if (node.kind === 'and' || node.kind === 'or') {
    const l = compileNode(node.left, dialect);
    const r = compileNode(node.right, dialect);
    return node.kind === 'and' ? (u) => l(u) && r(u) : (u) => l(u) || r(u);
  }
  const attr = node.attr;
  if (dialect === 'filter') {
    if (!FILTER_ATTRS.has(attr) || node.kind === 'pr') throw invalid();
  } else if (!attr.startsWith('profile.') && !SEARCH_TOP_LEVEL.has(attr)) {
    throw invalid();
  } else if (attr === 'profile.') {
    throw invalid();
  }
  if (node.kind === 'pr') {
    return (u) => {
      const v = userAttribute(u, attr);
      return v !== undefined && v !== null && v !== '';
    };
  }
  const { op, value } = node;
  if (dialect === 'filter') {
    if (op !== 'eq' && !(attr === 'lastUpdated' && ORDER_OPS.has(op))) throw invalid();
    if (typeof value !== 'string') throw invalid();
  } else {
    if (!SEARCH_OPS.has(op)) throw invalid();
    if (op === 'co' && !CO_ATTRS.has(attr)) throw invalid();
    if ((op === 'sw' || op === 'co') && typeof value !== 'string') throw invalid();
  }
  if (DATE_ATTRS.has(attr)) {
    const target = parseDate(value);
    return dateComparison(attr, op, target);
  }
  if (value === null) {
    if (op !== 'eq') throw invalid();
    return (u) => {
      const v = userAttribute(u, attr);
      return v === null || v === undefined;
    };
  }
  const caseSensitive = dialect === 'filter';
  const wanted = caseSensitive ? String(value) : String(value).toLowerCase();
  const read = (u: UserRecord): string | undefined => {
    const v = userAttribute(u, attr);
    if (v === undefined || v === null) return undefined;
    return caseSensitive ? v : v.toLowerCase();
  };
  switch (op) {
    case 'eq':
      return (u) => read(u) === wanted;
    case 'sw':
      return (u) => read(u)?.startsWith(wanted) === true;
    case 'co':
      return (u) => read(u)?.includes(wanted) === true;
    case 'gt':
      return (u) => compareDefined(read(u), wanted, (c) => c > 0);
    case 'ge':
      return (u) => compareDefined(read(u), wanted, (c) => c >= 0);
    case 'lt':
      return (u) => compareDefined(read(u), wanted, (c) => c < 0);
    case 'le':
      return (u) => compareDefined(read(u), wanted, (c) => c <= 0);
    default:
      throw invalid();
  }
}

function compareDefined(actual: string | undefined, wanted: string, test: (c: number) => boolean): boolean {
  if (actual === undefined) return false;
  return test(actual < wanted ? -1 : actual > wanted ? 1 : 0);
}

function dateComparison(attr: string, op: string, target: number): UserPredicate {
  const read = (u: UserRecord): number | undefined => {
    const v = userAttribute(u, attr);
    return typeof v === 'string' ? Date.parse(v) : undefined;
  };
  switch (op) {
    case 'eq':
      return (u) => read(u) === target;
    case 'gt':
      return (u) => (read(u) ?? -Infinity) > target;
    case 'ge':
      return (u) => (read(u) ?? -Infinity) >= target;
    case 'lt':
      return (u) => (read(u) ?? Infinity) < target;
    case 'le':
      return (u) => (read(u) ?? Infinity) <= target;
    default:
      throw invalid();
  }
}

/**
 * Parses a `filter` or `search` expression into its syntax tree; bad syntax or an over-long or too deep
 * expression throws E0000031 "Invalid search criteria.".
 * @example parseQueryExpression('profile.name sw "Eng"')
 */
export function parseQueryExpression(expression: string): QueryNode {
  if (expression.length === 0 || expression.length > MAX_QUERY_LENGTH) throw invalid();
  return new Parser(tokenize(expression)).parse();
}

/**
 * Parses and compiles a `filter` or `search` expression into a predicate. Operators are
 * case-insensitive, attribute names case-sensitive; `filter` compares values case-sensitively and allows
 * only `eq` (plus `gt/ge/lt/le` on `lastUpdated`); `search` compares strings case-insensitively and
 * supports `eq sw co lt gt le ge pr` (`co` only on firstName/lastName/email/login). `not`, `ne`, unknown
 * attributes, bad dates or syntax throw E0000031 "Invalid search criteria.".
 * @example compileUserQuery('profile.lastName eq "Smith" and status eq "ACTIVE"', 'search')
 */
export function compileUserQuery(expression: string, dialect: QueryDialect): UserPredicate {
  return compileNode(parseQueryExpression(expression), dialect);
}

/** A comparator for `sortBy`/`sortOrder` on search results: by the attribute (absent last), then by id. */
export function compileSort(
  sortBy: string,
  sortOrder: string | undefined,
): (a: UserRecord, b: UserRecord) => number {
  if (!sortBy.startsWith('profile.') && !SEARCH_TOP_LEVEL.has(sortBy) && sortBy !== 'lastLogin')
    throw invalid();
  const order = (sortOrder ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw invalid();
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const va = sortKey(a, sortBy);
    const vb = sortKey(b, sortBy);
    if (va !== vb) {
      if (va === undefined) return 1;
      if (vb === undefined) return -1;
      return (va < vb ? -1 : 1) * sign;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The value `sortBy` orders on (lower-cased; absent as undefined); also encoded into sorted cursors. */
export function sortKey(user: UserRecord, sortBy: string): string | undefined {
  const v = userAttribute(user, sortBy);
  return v === undefined || v === null ? undefined : v.toLowerCase();
}
