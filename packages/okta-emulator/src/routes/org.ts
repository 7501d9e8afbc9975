/**
 * `GET /api/v1/org`: the org's settings (management.yaml `OrgSetting`, example `OrgSettingResponse`): its id (the one
 * in ORNs), subdomain, status and timestamps. Scope `okta.orgs.read`; any admin role may read them.
 * Updating them is not implemented (405).
 */
import type { FastifyInstance } from 'fastify';
import { guard, permit, SCOPES } from '../authz/guard.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { refuseUnknownQuery } from '../plugins/query-params.js';

/** Registers the org-settings route. */
export function registerOrgRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/api/v1/org', async (request) => {
    const access = guard(state, request, SCOPES.orgsRead);
    permit(access.superAdmin || access.grants.length > 0);
    refuseUnknownQuery(request.query, []);
    const orgUrl = state.orgUrl;
    return {
      id: state.orgId,
      companyName: 'okta-emulator (not Okta)',
      subdomain: new URL(orgUrl).hostname.split('.')[0],
      status: 'ACTIVE',
      created: state.orgCreated,
      lastUpdated: state.orgCreated,
      _links: {
        preferences: { href: `${orgUrl}/api/v1/org/preferences` },
        uploadLogo: { href: `${orgUrl}/api/v1/org/logo`, hints: { allow: ['POST'] } },
        oktaCommunication: { href: `${orgUrl}/api/v1/org/privacy/oktaCommunication` },
        oktaSupport: { href: `${orgUrl}/api/v1/org/privacy/oktaSupport` },
        contacts: { href: `${orgUrl}/api/v1/org/contacts` },
      },
    };
  });
}
