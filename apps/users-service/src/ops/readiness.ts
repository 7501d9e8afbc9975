/**
 * Readiness: a usable client key is present, a token can be had and Okta answers. The key is checked on every
 * probe (a local read); one cheap call (the first page of one user, which needs a token) proves the rest; its result is kept for a few seconds so that frequent probes from several load balancers
 * do not spend the org's rate limit, and concurrent probes share one check.
 */
import { OktaM2MError } from 'okta-m2m';

/** The outcome of a check. */
export type Readiness =
  | { ready: true; checkedAt: number }
  | { ready: false; checkedAt: number; code: string; hint: string | undefined; detail: string };

/** Why the service cannot be ready whatever Okta says (e.g. no usable client key). */
export interface ReadinessBlock {
  code: string;
  hint: string | undefined;
  detail: string;
}

/** Options of {@link createReadiness}. */
export interface ReadinessOptions {
  /** The check: resolves when Okta answered, throws otherwise. */
  probe(): Promise<void>;
  /** A local condition checked on every call, before the cached probe: a block means not ready. */
  gate?: (() => Promise<ReadinessBlock | undefined>) | undefined;
  /** How long a result is reused (ms). */
  cacheMs: number;
  clock?: () => number;
}

/**
 * A cached readiness check.
 * @example
 * const readiness = createReadiness({ probe: () => ping(), cacheMs: 5000 });
 * const state = await readiness.check();
 */
export function createReadiness(options: ReadinessOptions): { check(): Promise<Readiness> } {
  const clock = options.clock ?? Date.now;
  let last: Readiness | undefined;
  let running: Promise<Readiness> | undefined;
  const run = async (): Promise<Readiness> => {
    try {
      await options.probe();
      return { ready: true, checkedAt: clock() };
    } catch (error) {
      const known = error instanceof OktaM2MError;
      return {
        ready: false,
        checkedAt: clock(),
        code: known ? error.code : 'USERS_SERVICE_NOT_READY',
        hint: known ? error.hint : undefined,
        detail: known ? `${error.name}: Okta is not usable.` : 'The readiness check failed.',
      };
    }
  };
  return {
    check: async () => {
      const block = await options.gate?.();
      if (block !== undefined) return { ready: false, checkedAt: clock(), ...block };
      if (last !== undefined && clock() - last.checkedAt < options.cacheMs) return last;
      running ??= run().then((result) => {
        last = result;
        running = undefined;
        return result;
      });
      return running;
    },
  };
}
