/**
 * How users are printed: a table, CSV, NDJSON or JSON. One column set for all text forms.
 */
import Table from 'cli-table3';
import type { OktaUser } from 'okta-m2m';

/** The columns of the table and the CSV. */
export const USER_COLUMNS = ['id', 'login', 'email', 'firstName', 'lastName', 'status'] as const;

function cells(user: OktaUser): string[] {
  const p = user.profile as Record<string, unknown>;
  const text = (v: unknown): string =>
    typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  return [
    user.id,
    text(p['login']),
    text(p['email']),
    text(p['firstName']),
    text(p['lastName']),
    user.status,
  ];
}

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/**
 * A terminal table of users.
 * @example
 * io.out(usersTable(users));
 */
export function usersTable(users: readonly OktaUser[]): string {
  const table = new Table({ head: [...USER_COLUMNS], chars: COMPACT, style: { head: [], border: [] } });
  for (const user of users) table.push(cells(user));
  return `${table.toString()}\n`;
}

/** One CSV field, quoted when needed (RFC 4180); a leading formula character is neutralised. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The CSV header line.
 * @example
 * io.out(csvHeader());
 */
export function csvHeader(): string {
  return `${USER_COLUMNS.join(',')}\n`;
}

/**
 * One CSV line per user.
 * @example
 * io.out(csvRows(page.users));
 */
export function csvRows(users: readonly OktaUser[]): string {
  return users.map((u) => `${cells(u).map(csvField).join(',')}\n`).join('');
}

/**
 * A user as "field: value" lines (for `users get`).
 * @example
 * io.out(userDetails(user));
 */
export function userDetails(user: OktaUser): string {
  const table = new Table({ chars: COMPACT, style: { head: [], border: [] } });
  table.push({ id: user.id }, { status: user.status });
  for (const [key, value] of Object.entries(user.profile as Record<string, unknown>)) {
    if (value !== null && value !== undefined) table.push({ [key]: String(value) });
  }
  return `${table.toString()}\n`;
}
