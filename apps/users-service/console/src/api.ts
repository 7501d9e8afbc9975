/**
 * Calls to the service's JSON API with the API key as a bearer header (kept in this tab's session storage; no
 * cookies). A failure becomes an {@link ApiError} carrying the problem+json body: detail, code and hint.
 */

const KEY = 'users-service.api-key';

/** The problem+json body the service answers errors with. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code?: string;
  hint?: string;
  oktaErrorCode?: string;
  oktaRequestId?: string;
  requestId?: string;
}

/** A non-2xx answer. */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.problem = problem;
  }
}

/** The stored key, if any. */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Keep the key for this tab. */
export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

/** Forget the key. */
export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * Call the API.
 * @example
 * const page = await api<UsersPage>('GET', '/users?limit=20');
 */
export async function api<T>(
  method: 'GET' | 'PUT',
  path: string,
  body?: unknown,
  key = storedKey(),
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const p = (json ?? {}) as Partial<Problem>;
    throw new ApiError({
      status: response.status,
      title: p.title ?? response.statusText,
      detail: p.detail ?? `The service answered ${response.status}.`,
      ...(p.code === undefined ? {} : { code: p.code }),
      ...(p.hint === undefined ? {} : { hint: p.hint }),
      ...(p.oktaRequestId === undefined ? {} : { oktaRequestId: p.oktaRequestId }),
      ...(p.requestId === undefined ? {} : { requestId: p.requestId }),
    });
  }
  return json as T;
}

/** A message for any failure: the problem's detail, or what went wrong with the call. */
export function describeError(error: unknown): { message: string; hint: string } {
  if (error instanceof ApiError) {
    const code = error.problem.code === undefined ? '' : ` (${error.problem.code})`;
    return {
      message: `${error.problem.status}: ${error.problem.detail}${code}`,
      hint: error.problem.hint ?? '',
    };
  }
  return { message: `The service could not be reached: ${String(error)}`, hint: '' };
}
