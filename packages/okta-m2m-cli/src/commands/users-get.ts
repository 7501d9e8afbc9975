/**
 * `okta-m2m users get ID`: one user by id or login, as a table of profile fields or `--json`.
 */
import { flag, type CommandContext } from '../command.js';
import { withClient } from '../client.js';
import { jsonText } from '../io.js';
import { userDetails } from '../user-format.js';

/** Run users get. */
export async function run(ctx: CommandContext): Promise<number> {
  const id = ctx.args[0] as string;
  return withClient(ctx, async (client) => {
    const user = await client.users.get(id);
    ctx.io.out(flag(ctx, 'json') ? jsonText(user) : userDetails(user));
    return 0;
  });
}
