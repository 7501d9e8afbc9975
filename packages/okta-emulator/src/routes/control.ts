/**
 * The test-only control API under `/__emulator` (registered only with `control: true`): reset, seed users,
 * inspect state and counters, move the clock, rotate the DPoP nonce, switch the resource-server nonce mode,
 * and the fault endpoints. Never part of Okta's surface.
 */
import type { FastifyInstance } from 'fastify';
import { OktaApiError } from '../lib/errors.js';
import { CONTROL_PREFIX } from '../lib/http-paths.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { registerFaultControl } from './control-faults.js';

/**
 * Registers `/__emulator/*`: reset, seed users, inspect state (no private keys, no tokens), counters, move
 * the clock, rotate the DPoP nonce, switch the resource-server nonce mode, and the fault endpoints.
 *
 * @example
 * await registerControlRoutes(app, state);
 */
export async function registerControlRoutes(app: FastifyInstance, state: EmulatorState): Promise<void> {
  await app.register(
    async (scope) => {
      scope.post('/reset', async () => {
        state.reset();
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
        const created = state.seedMore(users, body.seed as number | undefined);
        return { ok: true, users: created };
      });

      scope.get('/state', async () => state.publicView());

      scope.get('/stats', async () => state.stats);

      scope.post('/clock', async (request) => {
        const body = (request.body ?? {}) as { set?: unknown; advanceMs?: unknown };
        if (body.set !== undefined) {
          const ms = typeof body.set === 'string' ? Date.parse(body.set) : body.set;
          if (typeof ms !== 'number' || !isDateTime(ms)) {
            throw badControlInput('set', 'set must be epoch milliseconds or an ISO-8601 date.');
          }
          state.clock.set(ms);
        }
        if (body.advanceMs !== undefined) {
          if (typeof body.advanceMs !== 'number' || !isDateTime(state.clock.now() + body.advanceMs)) {
            throw badControlInput('advanceMs', 'advanceMs must be a number of milliseconds.');
          }
          state.clock.advance(body.advanceMs);
        }
        const now = state.clock.now();
        return { now, iso: new Date(now).toISOString() };
      });

      scope.post('/dpop/rotate-nonce', async () => {
        state.rotateNonce();
        return { ok: true, nonce: state.dpopNonce.current };
      });

      // Opt-in resource-server nonces (RFC 9449 section 9): `{enabled}` demands the current nonce in `/api/v1`
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
        state.dpopResourceNonce = !body.enabled ? 'off' : body.always === true ? 'always' : 'required';
        return {
          ok: true,
          enabled: body.enabled,
          always: state.dpopResourceNonce === 'always',
          nonce: state.currentNonce(),
        };
      });

      registerFaultControl(scope, state.faults);
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
