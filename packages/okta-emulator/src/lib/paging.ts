/**
 * `after`/`limit` paging over a list ordered by id (the cursor is the last id of the previous page), as the
 * app assignment lists page.
 */
import { OktaApiError } from './errors.js';

/** Default and largest page sizes of the assignment lists (management.yaml: limit up to 500, default 50). */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/**
 * One page of `items` after the `after` cursor; `next` is the cursor of the following page, if any.
 * A `limit` that is not a positive integer is 400 E0000001; a repeated parameter E0000029.
 * @example const { page, next, limit } = pageById(users, request.query);
 */
export function pageById<T extends { id: string }>(
  items: readonly T[],
  query: unknown,
): { page: T[]; next: string | undefined; limit: number } {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const name of ['limit', 'after']) {
    if (q[name] !== undefined && typeof q[name] !== 'string') throw new OktaApiError('E0000029');
  }
  let limit = DEFAULT_PAGE;
  if (typeof q.limit === 'string') {
    if (!/^\d+$/.test(q.limit) || Number(q.limit) < 1) {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['limit'],
        causes: ['limit: The value must be a positive whole number.'],
      });
    }
    limit = Math.min(Number(q.limit), MAX_PAGE);
  }
  const after = typeof q.after === 'string' ? q.after : '';
  const rest = after === '' ? [...items] : items.filter((i) => i.id > after);
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: rest.length > limit && last ? last.id : undefined, limit };
}
