import type { FastifyInstance } from 'fastify';
import { OktaApiError } from '../errors.js';
import type { ManagementHandle } from '../management-bridge.js';
import { currentNonce } from '../oauth/nonce.js';
import { rotateNonce, type PlatformContext } from '../state.js';

/** Prefix of the test-only control API. Never part of Okta's surface. */
export const CONTROL_PREFIX = '/__emulator';

/** What the control routes need from the app. */
export interface ControlDeps {
  ctx: PlatformContext;
  management: ManagementHandle;
  reset(): void;
  publicState(): Record<string, unknown>;
}

/**
 * `/__emulator/*` (registered only with `control: true`): reset, seed users, inspect state (no private keys,
 * no tokens), counters, move the clock, rotate the DPoP nonce, switch the resource-server nonce mode, and the
 * management side's fault endpoints.
 */
export async function registerControlRoutes(app: FastifyInstance, deps: ControlDeps): Promise<void> {
  const { ctx } = deps;
  await app.register(
    async (scope) => {
      scope.post('/reset', async () => {
        deps.reset();
        return { ok: true };
      });

      scope.post('/seed', async (request) => {
        const body = (request.body ?? {}) as { users?: unknown; seed?: unknown };
        const users = body.users;
        if (typeof users !== 'number' || !Number.isInteger(users) || users < 0 || users > 100_000) {
          throw badControlInput('users', 'users must be an integer between 0 and 100000.');
        }
        if (body.seed !== undefined && (typeof body.seed !== 'number' || !Number.isInteger(body.seed))) {
          throw badControlInput('seed', 'seed must be an integer.');
        }
        if (!deps.management?.seedUsers)
          throw badControlInput('users', 'The users API is not available in this build.');
        const created = deps.management.seedUsers(users, body.seed as number | undefined);
        return { ok: true, users: created };
      });

      scope.get('/state', async () => deps.publicState());

      scope.get('/stats', async () => ctx.state.stats);

      scope.post('/clock', async (request) => {
        const body = (request.body ?? {}) as { set?: unknown; advanceMs?: unknown };
        if (body.set !== undefined) {
          const ms = typeof body.set === 'string' ? Date.parse(body.set) : body.set;
          if (typeof ms !== 'number' || !isDateTime(ms)) {
            throw badControlInput('set', 'set must be epoch milliseconds or an ISO-8601 date.');
          }
          ctx.clock.set(ms);
        }
        if (body.advanceMs !== undefined) {
          if (typeof body.advanceMs !== 'number' || !isDateTime(ctx.clock.now() + body.advanceMs)) {
            throw badControlInput('advanceMs', 'advanceMs must be a number of milliseconds.');
          }
          ctx.clock.advance(body.advanceMs);
        }
        const now = ctx.clock.now();
        return { now, iso: new Date(now).toISOString() };
      });

      scope.post('/dpop/rotate-nonce', async () => {
        rotateNonce(ctx.state, ctx.clock.now());
        return { ok: true, nonce: ctx.state.dpopNonce.current };
      });

      // Opt-in resource-server nonces (RFC 9449 §9): `{enabled}` demands the current nonce in `/api/v1`
      // proofs; `{enabled: true, always: true}` refuses every DPoP-bound API request with a new nonce.
      scope.post('/dpop/resource-nonce', async (request) => {
        const body = (request.body ?? {}) as { enabled?: unknown; always?: unknown };
        if (typeof body.enabled !== 'boolean') {
          throw badControlInput('enabled', 'enabled must be true or false.');
        }
        if (body.always !== undefined && typeof body.always !== 'boolean') {
          throw badControlInput('always', 'always must be true or false.');
        }
        if (body.always === true && !body.enabled) {
          throw badControlInput('always', 'always needs enabled: true.');
        }
        ctx.dpopResourceNonce = !body.enabled ? 'off' : body.always === true ? 'always' : 'required';
        return {
          ok: true,
          enabled: body.enabled,
          always: ctx.dpopResourceNonce === 'always',
          nonce: currentNonce(ctx),
        };
      });

      deps.management.registerFaultRoutes(scope);
    },
    { prefix: CONTROL_PREFIX },
  );
}

/**
 * True for a time JavaScript dates can hold (±8.64e15 ms): beyond it every `Date` header and timestamp
 * would be "Invalid Date" and `toISOString` would throw, turning each later request into a 500.
 */
function isDateTime(ms: number): boolean {
  return Number.isFinite(ms) && Number.isFinite(new Date(ms).getTime());
}

function badControlInput(field: string, message: string): OktaApiError {
  return new OktaApiError('E0000001', { summaryArgs: [field], causes: [`${field}: ${message}`] });
}
