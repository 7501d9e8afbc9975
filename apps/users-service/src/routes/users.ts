/**
 * The users API: a page of users with the cursor of the next, one user by id or login, and a rename. Each
 * handler is a thin call into the library's Users API; validation happened in the schema, errors are mapped by
 * the app's one error handler.
 */
import type { FastifyInstance } from 'fastify';
import type { OktaClient, OktaUser } from 'okta-m2m';
import { withUpstream } from '../ops/upstream-context.js';
import { getUserSchema, listUsersSchema, renameUserSchema } from '../schemas.js';

/** The user as this service returns it (a stable subset of Okta's user object). */
export interface UserView {
  id: string;
  status: string;
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  department: string | null;
  created: string | undefined;
  lastUpdated: string | undefined;
}

/**
 * The service's view of an Okta user.
 * @example
 * toUserView(await client.users.get('00u1')).login
 */
export function toUserView(user: OktaUser): UserView {
  const p = user.profile;
  return {
    id: user.id,
    status: user.status,
    login: p.login,
    email: p.email,
    firstName: p.firstName ?? null,
    lastName: p.lastName ?? null,
    department: typeof p.department === 'string' ? p.department : null,
    created: user.created,
    lastUpdated: user.lastUpdated,
  };
}

/**
 * Register `GET /users`, `GET /users/:idOrLogin` and `PUT /users/:id/name`.
 * @example
 * await app.register(async (scope) => registerUsersRoutes(scope, client));
 */
export function registerUsersRoutes(app: FastifyInstance, client: OktaClient): void {
  app.get<{ Querystring: { limit: number; after?: string; search?: string } }>(
    '/users',
    { schema: listUsersSchema, config: { scope: 'users:read' } },
    async (request) => {
      const { limit, after, search } = request.query;
      const page = await withUpstream(request.upstream, async () => {
        const pages = client.users.pages({
          limit,
          ...(after === undefined ? {} : { after }),
          ...(search === undefined ? {} : { search }),
        });
        try {
          const first = await pages.next();
          return first.done === true ? undefined : first.value;
        } finally {
          await pages.return(undefined);
        }
      });
      return { users: (page?.users ?? []).map(toUserView), next: page?.after ?? null };
    },
  );

  app.get<{ Params: { idOrLogin: string } }>(
    '/users/:idOrLogin',
    { schema: getUserSchema, config: { scope: 'users:read' } },
    async (request) => {
      const user = await withUpstream(request.upstream, () => client.users.get(request.params.idOrLogin));
      return toUserView(user);
    },
  );

  app.put<{ Params: { id: string }; Body: { firstName: string; lastName: string } }>(
    '/users/:id/name',
    { schema: renameUserSchema, config: { scope: 'users:write' } },
    async (request) => {
      const { firstName, lastName } = request.body;
      const user = await withUpstream(request.upstream, () =>
        client.users.updateName(request.params.id, { firstName, lastName }),
      );
      request.log.info({ caller: request.caller, userId: user.id }, 'user renamed');
      return toUserView(user);
    },
  );
}
