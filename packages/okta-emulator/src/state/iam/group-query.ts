/**
 * `GET /api/v1/groups?search=` and `?filter=` for groups (management.yaml listGroups): the expression grammar of
 * the users API (`parseQueryExpression`), compiled over group properties. `search`: `eq`, `sw`, `co`
 * (`co` only on `profile.name` and `profile.description`), `pr`, and `gt/ge/lt/le` on the date
 * properties, over `id`, `type`, `created`, `lastUpdated`, `lastMembershipUpdated` and `profile.*`,
 * strings compared case-insensitively. `filter`: `id`, `type` with `eq`, and the two update dates with
 * `eq/gt/ge/lt/le`. Anything else is 400 E0000031 "Invalid search criteria.".
 */
import { problem } from '../../lib/errors.js';
import { parseQueryExpression, type QueryNode, type QueryDialect } from '../users/user-query.js';
import type { GroupRecord } from './iam-records.js';

/** A compiled group query. */
export type GroupPredicate = (group: GroupRecord) => boolean;

const DATE_ATTRS = new Set(['created', 'lastUpdated', 'lastMembershipUpdated']);
const SEARCH_TOP = new Set(['id', 'type', 'created', 'lastUpdated', 'lastMembershipUpdated']);
const FILTER_ATTRS = new Set(['id', 'type', 'lastUpdated', 'lastMembershipUpdated']);
const CO_ATTRS = new Set(['profile.name', 'profile.description']);

/** A group property by query path; undefined when the group has no such property. */
export function groupAttribute(group: GroupRecord, attr: string): string | null | undefined {
  switch (attr) {
    case 'id':
      return group.id;
    case 'type':
      return 'OKTA_GROUP';
    case 'created':
      return group.created;
    case 'lastUpdated':
      return group.lastUpdated;
    case 'lastMembershipUpdated':
      return group.lastMembershipUpdated;
    case 'profile.name':
      return group.name;
    case 'profile.description':
      return group.description;
    default:
      return undefined;
  }
}

/**
 * Compiles a group `search` or `filter` expression.
 * @example compileGroupQuery('profile.name sw "Eng"', 'search')
 */
export function compileGroupQuery(expression: string, dialect: QueryDialect): GroupPredicate {
  return compile(parseQueryExpression(expression), dialect);
}

function compile(node: QueryNode, dialect: QueryDialect): GroupPredicate {
  if (node.kind === 'and' || node.kind === 'or') {
    const l = compile(node.left, dialect);
    const r = compile(node.right, dialect);
    return node.kind === 'and' ? (g) => l(g) && r(g) : (g) => l(g) || r(g);
  }
  const attr = node.attr;
  const known =
    dialect === 'filter' ? FILTER_ATTRS.has(attr) : SEARCH_TOP.has(attr) || attr.startsWith('profile.');
  if (!known) throw problem('E0000031');
  if (node.kind === 'pr') {
    if (dialect === 'filter') throw problem('E0000031');
    return (g) => {
      const v = groupAttribute(g, attr);
      return v !== undefined && v !== null && v !== '';
    };
  }
  const { op, value } = node;
  if (DATE_ATTRS.has(attr)) {
    if (!['eq', 'gt', 'ge', 'lt', 'le'].includes(op) || typeof value !== 'string') throw problem('E0000031');
    const target = Date.parse(value);
    if (Number.isNaN(target)) throw problem('E0000031');
    return (g) => {
      const v = groupAttribute(g, attr);
      if (typeof v !== 'string') return false;
      const t = Date.parse(v);
      return op === 'eq'
        ? t === target
        : op === 'gt'
          ? t > target
          : op === 'ge'
            ? t >= target
            : op === 'lt'
              ? t < target
              : t <= target;
    };
  }
  if (typeof value !== 'string') throw problem('E0000031');
  if (dialect === 'filter' && op !== 'eq') throw problem('E0000031');
  if (op === 'co' && !CO_ATTRS.has(attr)) throw problem('E0000031');
  if (op !== 'eq' && op !== 'sw' && op !== 'co') throw problem('E0000031');
  const fold = (s: string) => (dialect === 'filter' ? s : s.toLowerCase());
  const wanted = fold(value);
  return (g) => {
    const v = groupAttribute(g, attr);
    if (typeof v !== 'string') return false;
    const actual = fold(v);
    return op === 'eq'
      ? actual === wanted
      : op === 'sw'
        ? actual.startsWith(wanted)
        : actual.includes(wanted);
  };
}
