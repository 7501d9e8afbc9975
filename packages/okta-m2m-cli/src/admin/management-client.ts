/**
 * The CLI's own small Management API client (admin API token sent as `SSWS`), for what `setup`, `keys` and
 * `doctor` read and write: apps, their JWKS keys (list, add, activate, deactivate, delete) and scope grants, IAM custom roles, resource sets, client role
 * assignments and groups. Requests follow Okta's management.yaml; every failure becomes a CliError whose
 * message names the method and path, never the token.
 */
import { CliError } from '../cli-error.js';
import { API_TOKEN_VARIABLE } from '../settings.js';

/** A JSON object as Okta returns it. */
export type Json = Record<string, unknown>;

/** Options of {@link ManagementClient}. */
export interface ManagementClientOptions {
  orgUrl: URL;
  apiToken: string;
  /** Injectable fetch (default: the global one). */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Calls to one org's Management API.
 * @example
 * const admin = new ManagementClient({ orgUrl: new URL('https://acme.okta.com'), apiToken });
 * const apps = await admin.appsByLabel('okta-m2m service');
 */
export class ManagementClient {
  readonly orgUrl: URL;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ManagementClientOptions) {
    this.orgUrl = options.orgUrl;
    this.#token = options.apiToken;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The org origin, the issuer of Okta API scope grants. */
  get origin(): string {
    return this.orgUrl.origin;
  }

  /**
   * One request; resolves to the parsed body and the `link` header.
   * @example
   * const { body } = await admin.request('GET', '/api/v1/apps/0oa1');
   */
  async request<T = Json>(
    method: string,
    pathOrUrl: string,
    body?: unknown,
  ): Promise<{ body: T; link: string | null }> {
    const url = new URL(pathOrUrl, this.orgUrl);
    if (url.origin !== this.orgUrl.origin) {
      throw new CliError(
        'api',
        `The Management API pointed to another origin (${url.origin}); refusing to send the admin token there.`,
      );
    }
    const where = `${method} ${url.pathname}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          authorization: `SSWS ${this.#token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new CliError(
        'network',
        `${where}: cannot reach ${this.orgUrl.origin} (${cause}).`,
        'Check the org URL (--org-url / OKTA_DOMAIN) and that the server is up and reachable.',
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(
          'api',
          `${where}: answered ${response.status} with a body that is not JSON.`,
          'Check that the org URL points at Okta.',
        );
      }
    }
    if (!response.ok) throw managementError(where, response.status, parsed);
    return { body: parsed as T, link: response.headers.get('link') };
  }

  /** Every item of a collection that pages with `link rel="next"` (apps, groups, group members). */
  async listAll(path: string): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && page < 500; page++) {
      const { body, link } = await this.request<Json[]>('GET', next);
      items.push(...(Array.isArray(body) ? body : []));
      next = nextLink(link);
    }
    return items;
  }

  /** Every item of an IAM collection that pages with `_links.next` (roles, resource sets, resources). */
  async listIam(path: string, field: string): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined && page < 500; page++) {
      const { body } = await this.request<Json>('GET', next);
      const list = body[field];
      items.push(...(Array.isArray(list) ? (list as Json[]) : []));
      const links = body['_links'] as { next?: { href?: string } } | undefined;
      next = links?.next?.href;
    }
    return items;
  }

  /** Apps whose label is exactly `label` (Okta's `q` is a prefix match). */
  async appsByLabel(label: string): Promise<Json[]> {
    const apps = await this.listAll(`/api/v1/apps?q=${encodeURIComponent(label)}&limit=200`);
    return apps.filter((a) => a['label'] === label);
  }

  /** An app by id (404 becomes an API failure naming the id). */
  async app(appId: string): Promise<Json> {
    return (await this.request('GET', `/api/v1/apps/${encodeURIComponent(appId)}`)).body;
  }

  /** The app's JWKS keys (`/api/v1/apps/{id}/credentials/jwks`). */
  async appKeys(appId: string): Promise<Json[]> {
    const { body } = await this.request<{ keys?: Json[] }>(
      'GET',
      `/api/v1/apps/${encodeURIComponent(appId)}/credentials/jwks`,
    );
    return body.keys ?? [];
  }

  /**
   * Add a public key to the app's JWKS (`POST .../credentials/jwks`), ACTIVE unless `status` says otherwise.
   * Okta refuses a duplicate kid, a 51st key and an RSA key under 2048 bits (400 E0000001).
   */
  async addAppKey(appId: string, publicJwk: Json, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<Json> {
    const path = `/api/v1/apps/${encodeURIComponent(appId)}/credentials/jwks`;
    return (await this.request('POST', path, { ...publicJwk, status })).body;
  }

  /** Activate or deactivate one JWKS key by its Okta id (`pks...`, not the kid). */
  async setAppKeyStatus(appId: string, keyId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<Json> {
    const action = status === 'ACTIVE' ? 'activate' : 'deactivate';
    const path = `/api/v1/apps/${encodeURIComponent(appId)}/credentials/jwks/${encodeURIComponent(keyId)}/lifecycle/${action}`;
    return (await this.request('POST', path)).body;
  }

  /** Delete one INACTIVE JWKS key by its Okta id (Okta refuses to delete an ACTIVE key). */
  async deleteAppKey(appId: string, keyId: string): Promise<void> {
    const path = `/api/v1/apps/${encodeURIComponent(appId)}/credentials/jwks/${encodeURIComponent(keyId)}`;
    await this.request('DELETE', path);
  }

  /** The app's Okta API scope grants. */
  async appGrants(appId: string): Promise<Json[]> {
    const { body } = await this.request<Json[]>('GET', `/api/v1/apps/${encodeURIComponent(appId)}/grants`);
    return Array.isArray(body) ? body : [];
  }

  /** Role assignments of a client (`/oauth2/v1/clients/{clientId}/roles`). */
  async clientRoles(clientId: string): Promise<Json[]> {
    const { body } = await this.request<Json[]>(
      'GET',
      `/oauth2/v1/clients/${encodeURIComponent(clientId)}/roles`,
    );
    return Array.isArray(body) ? body : [];
  }

  /** Custom roles. */
  roles(): Promise<Json[]> {
    return this.listIam('/api/v1/iam/roles', 'roles');
  }

  /** Resource sets. */
  resourceSets(): Promise<Json[]> {
    return this.listIam('/api/v1/iam/resource-sets', 'resource-sets');
  }

  /** The resource URLs of a resource set (`_links.self.href` of each resource). */
  async resourceSetUrls(resourceSetId: string): Promise<string[]> {
    const resources = await this.listIam(
      `/api/v1/iam/resource-sets/${encodeURIComponent(resourceSetId)}/resources`,
      'resources',
    );
    return resources
      .map((r) => (r['_links'] as { self?: { href?: string } } | undefined)?.self?.href ?? '')
      .filter(Boolean);
  }

  /** A group by id, or by exact name. */
  async group(idOrName: string): Promise<Json | undefined> {
    if (/^00g[0-9A-Za-z]+$/.test(idOrName)) {
      return (await this.request('GET', `/api/v1/groups/${idOrName}`)).body;
    }
    const found = await this.listAll(`/api/v1/groups?q=${encodeURIComponent(idOrName)}&limit=200`);
    return found.find((g) => (g['profile'] as { name?: string } | undefined)?.name === idOrName);
  }

  /** The ids of a group's members. */
  async groupMemberIds(groupId: string): Promise<string[]> {
    const members = await this.listAll(`/api/v1/groups/${encodeURIComponent(groupId)}/users?limit=200`);
    return members.map((m) => String(m['id']));
  }
}

function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

function managementError(where: string, status: number, body: unknown): CliError {
  const b = (body ?? {}) as {
    errorCode?: string;
    errorSummary?: string;
    errorCauses?: { errorSummary?: string }[];
  };
  const causes = (b.errorCauses ?? []).map((c) => c.errorSummary).filter(Boolean);
  const detail =
    `${b.errorCode ? `${b.errorCode} ` : ''}${b.errorSummary ?? ''}${causes.length ? ` (${causes.join('; ')})` : ''}`.trim();
  const message = `${where}: Okta answered ${status}${detail ? `: ${detail}` : ''}.`;
  if (status === 401) {
    return new CliError(
      'auth',
      message,
      `${API_TOKEN_VARIABLE} was refused: check it is a current API token of this org (Security → API → Tokens).`,
    );
  }
  if (status === 403) {
    return new CliError(
      'auth',
      message,
      `The admin behind ${API_TOKEN_VARIABLE} may not do this: use a token created by a Super Admin (custom roles and resource sets need one).`,
    );
  }
  if (status === 404) return new CliError('api', message, 'Check the id: it does not exist in this org.');
  return new CliError(
    'api',
    message,
    status === 429 ? 'Rate limited: wait a minute and run again.' : undefined,
  );
}
