/**
 * Which service request an Okta call belongs to. A route runs its library calls inside {@link withUpstream}; the
 * library publishes each HTTP attempt on a diagnostics channel synchronously, in the caller's async context, so
 * a subscriber can add the attempt (operation, status, duration) to that request's record, and the request's
 * one completion log line carries the upstream statuses next to its own request id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CHANNELS, type RequestEvent } from 'okta-m2m';

/** One Okta HTTP attempt as the completion log line shows it. */
export interface UpstreamAttempt {
  operation: string;
  /** HTTP status, or `timeout` / `network`. */
  status: number | string;
  attempt: number;
  ms: number;
}

/** The upstream record of one service request. */
export interface UpstreamRecord {
  attempts: UpstreamAttempt[];
  /** Okta's `X-Okta-Request-Id` of a failed call, when Okta sent one. */
  oktaRequestId?: string;
}

const storage = new AsyncLocalStorage<UpstreamRecord>();

/**
 * Run `fn` with `record` as the current upstream record.
 * @example
 * const user = await withUpstream(record, () => client.users.get(id));
 */
export function withUpstream<T>(record: UpstreamRecord, fn: () => Promise<T>): Promise<T> {
  return storage.run(record, fn);
}

/**
 * Start recording the library's HTTP attempts into the current record; returns the unsubscribe function.
 * @example
 * const stop = recordUpstreamAttempts(); // ... stop();
 */
export function recordUpstreamAttempts(): () => void {
  const handler = (message: unknown): void => {
    const record = storage.getStore();
    if (record === undefined || record.attempts.length >= 20) return;
    const e = message as RequestEvent;
    record.attempts.push({
      operation: e.operation,
      status: e.status ?? e.failure ?? 'network',
      attempt: e.attempt,
      ms: Math.round(e.durationMs),
    });
  };
  subscribe(CHANNELS.request, handler);
  return () => unsubscribe(CHANNELS.request, handler);
}
