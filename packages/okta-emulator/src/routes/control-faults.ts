/**
 * The fault endpoints of the control API: add rules (validated by `state/fault-rules.ts`), list them with
 * their counters, clear them, remove one.
 */
import type { FastifyInstance } from 'fastify';
import { notFound, OktaApiError } from '../lib/errors.js';
import { FaultRuleError, type FaultRuleInput, type FaultsState } from '../state/fault-rules.js';

function toApiError(error: unknown): unknown {
  if (error instanceof FaultRuleError) {
    return new OktaApiError('E0000001', {
      summaryArgs: [error.field],
      causes: [`${error.field}: ${error.message}`],
    });
  }
  return error;
}

/**
 * Test-only control endpoints for fault injection, mounted in the `/__emulator` scope:
 * `POST /faults` adds a rule or `{"faults":[...]}` (201 with the stored rules), `GET /faults` lists rules with
 * counters, `DELETE /faults` clears them, `DELETE /faults/{id}` removes one.
 *
 * @example
 * registerFaultControl(scope, state.faults); // POST /__emulator/faults {"path":"/oauth2/v1/token","sequence":[503,"ok"]}
 */
export function registerFaultControl(app: FastifyInstance, faults: FaultsState): void {
  app.post('/faults', async (request, reply) => {
    const body = request.body as { faults?: unknown } | FaultRuleInput | undefined;
    const inputs: unknown[] =
      body !== undefined &&
      body !== null &&
      typeof body === 'object' &&
      Array.isArray((body as { faults?: unknown }).faults)
        ? (body as { faults: unknown[] }).faults
        : [body];
    try {
      const created = inputs.map((input) => faults.add(input as FaultRuleInput));
      return reply.code(201).send({ faults: created });
    } catch (error) {
      throw toApiError(error);
    }
  });
  app.get('/faults', async () => ({ faults: faults.list() }));
  app.delete('/faults', async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
    if (!faults.remove(request.params.id)) {
      throw notFound(request.params.id, 'Fault');
    }
    return reply.code(204).send();
  });
}
