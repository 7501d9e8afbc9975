/**
 * Type tests of the errors: `switch (err.code)` narrows AnyOktaM2MError to the right class, the union covers
 * every code, and `response` is declared. Checked by `npm run typecheck`; never executed.
 */
import {
  isOktaM2MError,
  OktaApiError,
  RateLimitError,
  type AnyOktaM2MError,
  type ConfigProblem,
  type ErrorCode,
  type HttpResponse,
} from 'okta-m2m';
import { expectType, value, type Equal } from './expect.js';

// Every code has a class in the union, and no class is missing a code.
expectType<true>()(value<Equal<AnyOktaM2MError['code'], ErrorCode>>());

function handle(err: AnyOktaM2MError): string {
  switch (err.code) {
    case 'OKTA_M2M_CONFIG':
      expectType<readonly ConfigProblem[]>()(err.problems);
      return err.problems.map((p) => p.option).join();
    case 'OKTA_M2M_RATE_LIMITED':
      expectType<number | undefined>()(err.resetAt);
      expectType<RateLimitError>()(err);
      return String(err.status);
    case 'OKTA_M2M_OKTA_API':
      expectType<string | undefined>()(err.errorCode);
      // @ts-expect-error only a RateLimitError has resetAt
      return String(err.resetAt);
    case 'OKTA_M2M_OAUTH':
      expectType<string>()(err.error);
      expectType<HttpResponse | undefined>()(err.response);
      return err.error;
    case 'OKTA_M2M_DPOP':
      expectType<string | undefined>()(err.error);
      expectType<HttpResponse | undefined>()(err.response);
      return err.errorDescription ?? '';
    case 'OKTA_M2M_TIMEOUT':
      expectType<'attempt' | 'deadline'>()(err.kind);
      return String(err.timeoutMs);
    case 'OKTA_M2M_CIRCUIT_OPEN':
      return String(err.retryAt);
    case 'OKTA_M2M_SCOPES_NOT_GRANTED':
      return err.missing.join();
    case 'OKTA_M2M_INVALID_ARGUMENT':
      return err.argument;
    case 'OKTA_M2M_RESPONSE':
      expectType<number>()(err.status);
      return '';
    case 'OKTA_M2M_KEY':
    case 'OKTA_M2M_NETWORK':
    case 'OKTA_M2M_FOREIGN_ORIGIN':
    case 'OKTA_M2M_CLOSED':
      return err.message;
    default:
      // Exhaustive: nothing is left.
      expectType<never>()(err);
      return err;
  }
}

const caught = value<unknown>();
if (isOktaM2MError(caught)) {
  expectType<AnyOktaM2MError>()(caught);
  handle(caught);
}
// A RateLimitError is an OktaApiError (instanceof and assignability agree).
const apiError: OktaApiError = value<RateLimitError>();
void apiError;
