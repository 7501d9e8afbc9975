/**
 * Opening the library's client from the run's settings, and closing it whatever happens.
 */
import { createOktaClient, type OktaClient, type OktaClientOptions } from 'okta-m2m';
import type { CommandContext } from './command.js';
import { clientOptions } from './settings.js';

/**
 * Run `body` with a client built from the flags, environment and .env; the client is closed afterwards.
 * @example
 * const user = await withClient(ctx, (client) => client.users.get('00u1'));
 */
export async function withClient<T>(
  ctx: CommandContext,
  body: (client: OktaClient) => Promise<T>,
  overrides: Partial<OktaClientOptions> = {},
): Promise<T> {
  const client = createOktaClient({ ...clientOptions(ctx.settings), ...overrides });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
