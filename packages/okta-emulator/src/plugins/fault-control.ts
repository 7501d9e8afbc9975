import type { FastifyInstance } from 'fastify';
import { notFound, OktaApiError } from '../errors.js';
import { FaultRuleError, type FaultRuleInput, type FaultsState } from './faults.js';

/** Options of {@link registerFaultControl}. */
export interface FaultControlOptions {
  /** Path prefix of the endpoints; `''` when mounted inside the platform's `/__emulator` scope. */
  prefix?: string;
}

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
 * Test-only control endpoints for fault injection (mount them only when control is enabled):
 * `POST {prefix}/faults` adds a rule or `{"faults":[...]}` (201 with the stored rules), `GET {prefix}/faults`
 * lists rules with counters, `DELETE {prefix}/faults` clears them, `DELETE {prefix}/faults/{id}` removes one.
 * @example registerFaultControl(app, faults); // POST /__emulator/faults {"path":"/oauth2/v1/token","sequence":[503,"ok"]}
 */
export function registerFaultControl(
  app: FastifyInstance,
  faults: FaultsState,
  options: FaultControlOptions = {},
): void {
  const prefix = options.prefix ?? '/__emulator';
  app.post(`${prefix}/faults`, async (request, reply) => {
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
  app.get(`${prefix}/faults`, async () => ({ faults: faults.list() }));
  app.delete(`${prefix}/faults`, async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>(`${prefix}/faults/:id`, async (request, reply) => {
    if (!faults.remove(request.params.id)) {
      throw notFound(request.params.id, 'Fault');
    }
    return reply.code(204).send();
  });
}
