/**
 * `okta-m2m users set-name ID --first A --last B`: a partial profile update of the first and last name; the
 * other profile fields are untouched (POST with only those two fields).
 */
import { CliError } from '../cli-error.js';
import { flag, stringOption, type CommandContext } from '../command.js';
import { withClient } from '../client.js';
import { jsonText } from '../io.js';
import { userDetails } from '../user-format.js';

/** Run users set-name. */
export async function run(ctx: CommandContext): Promise<number> {
  const id = ctx.args[0] as string;
  const firstName = stringOption(ctx, 'first');
  const lastName = stringOption(ctx, 'last');
  const missing = [firstName === undefined ? '--first' : '', lastName === undefined ? '--last' : ''].filter(
    Boolean,
  );
  if (firstName === undefined || lastName === undefined) {
    throw new CliError(
      'usage',
      `users set-name needs ${missing.join(' and ')}.`,
      'e.g. okta-m2m users set-name 00u1abcd --first Ada --last Lovelace',
    );
  }
  return withClient(ctx, async (client) => {
    const user = await client.users.updateName(id, { firstName, lastName });
    if (flag(ctx, 'json')) ctx.io.out(jsonText(user));
    else {
      ctx.io.err(`Renamed ${user.id} to ${firstName} ${lastName}.\n`);
      ctx.io.out(userDetails(user));
    }
    return 0;
  });
}
