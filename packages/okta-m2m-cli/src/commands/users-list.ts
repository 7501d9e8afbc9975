/**
 * `okta-m2m users list`: one page of users, or every page with `--all` (NDJSON and CSV stream as pages
 * arrive; a progress line goes to stderr when it is a terminal). Output: table, `--json`, `--ndjson`, `--csv`.
 */
import type { OktaUser } from 'okta-m2m';
import { CliError } from '../cli-error.js';
import { flag, stringOption, type CommandContext } from '../command.js';
import { withClient } from '../client.js';
import { jsonText } from '../io.js';
import { csvHeader, csvRows, usersTable } from '../user-format.js';

type Format = 'table' | 'json' | 'ndjson' | 'csv';

/** Run users list. */
export async function run(ctx: CommandContext): Promise<number> {
  const formats = (['json', 'ndjson', 'csv'] as const).filter((f) => flag(ctx, f));
  if (formats.length > 1) {
    throw new CliError(
      'usage',
      `Choose one output format; got --${formats.join(' and --')}.`,
      'Pass only one of --json, --ndjson, --csv.',
    );
  }
  const format: Format = formats[0] ?? 'table';
  const all = flag(ctx, 'all');
  const limit = parseLimit(stringOption(ctx, 'limit'), all ? 200 : 20);
  const search = stringOption(ctx, 'search');
  const filter = stringOption(ctx, 'filter');
  return withClient(ctx, async (client) => {
    const collected: OktaUser[] = [];
    if (format === 'csv') ctx.io.out(csvHeader());
    let count = 0;
    let pages = 0;
    for await (const page of client.users.pages({ limit, search, filter })) {
      pages++;
      count += page.users.length;
      if (format === 'ndjson') ctx.io.out(page.users.map((u) => `${JSON.stringify(u)}\n`).join(''));
      else if (format === 'csv') ctx.io.out(csvRows(page.users));
      else collected.push(...page.users);
      if (!all) break;
      if (page.nextUrl !== undefined) ctx.io.progress(`Fetched ${count} users (${pages} pages)...`);
    }
    ctx.io.endProgress();
    if (format === 'json') ctx.io.out(jsonText(collected));
    else if (format === 'table') {
      ctx.io.out(usersTable(collected));
      ctx.io.err(
        `${count} user${count === 1 ? '' : 's'}${all ? '' : ' (first page; --all for every page)'}\n`,
      );
    }
    return 0;
  });
}

function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 200) {
    throw new CliError(
      'usage',
      `--limit must be a whole number from 1 to 200; got "${text}".`,
      'e.g. --limit 50 (Okta pages hold at most 200 users).',
    );
  }
  return n;
}
