/**
 * The cancellation signal of one HTTP attempt, handed to undici. undici accepts an EventEmitter with `aborted` and
 * `reason` as a request signal; an EventEmitter is created and listened to for a fraction of the cost of an
 * AbortController's EventTarget, and an API call makes one per attempt. Internal to the transport.
 */
import { EventEmitter } from 'node:events';

/** An abortable signal for one attempt: `abort(reason)` once; later calls do nothing. */
export class AttemptSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  /** Abort with `reason` (undici rejects the request with it) unless already aborted. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
