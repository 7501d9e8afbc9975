/**
 * The default user schema: `GET /api/v1/meta/schemas/user/{schemaId}` and `POST` (partial update: add,
 * change or remove custom attributes). `{schemaId}` is `default` or the org's schema id (`osc…`). Scopes
 * `okta.schemas.read` / `okta.schemas.manage`; a Super Admin only (schema changes are org-wide).
 */
import type { FastifyInstance } from 'fastify';
import { guardSuperAdmin, SCOPES } from '../authz/guard.js';
import { isoTime } from '../lib/clock.js';
import { notFound, validationFailed } from '../lib/errors.js';
import { readJsonBody, sendJsonText, useRawBodies } from '../plugins/json-body.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { applySchemaUpdate, userSchemaJson } from '../state/users/user-schema.js';

type SchemaParams = { Params: { schemaId: string } };

/** Registers the user-schema routes. */
export function registerUserSchemaRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    const known = (schemaId: string) => {
      if (schemaId !== 'default' && schemaId !== state.schemaId) throw notFound(schemaId, 'UserSchema');
    };
    app.get<SchemaParams>('/api/v1/meta/schemas/user/:schemaId', (request, reply) => {
      guardSuperAdmin(state, request, SCOPES.schemasRead);
      known(request.params.schemaId);
      return sendJsonText(
        reply,
        200,
        JSON.stringify(userSchemaJson(state.orgUrl, state.schemaId, state.userSchema)),
      );
    });
    app.post<SchemaParams>('/api/v1/meta/schemas/user/:schemaId', (request, reply) => {
      guardSuperAdmin(state, request, SCOPES.schemasManage);
      known(request.params.schemaId);
      const causes = applySchemaUpdate(state.userSchema, readJsonBody(request), isoTime(state.clock.now()));
      if (causes.length > 0) throw validationFailed('definitions', causes);
      return sendJsonText(
        reply,
        200,
        JSON.stringify(userSchemaJson(state.orgUrl, state.schemaId, state.userSchema)),
      );
    });
  });
}
