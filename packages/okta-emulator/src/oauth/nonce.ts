import type { PlatformContext } from '../state.js';
import { rotateNonce } from '../state.js';

/** Default DPoP nonce rotation period: 24 h, as Okta documents (facts §2.2). */
export const DEFAULT_NONCE_ROTATION_MS = 24 * 3600 * 1000;

/** Rotates the nonce when its period has passed (on the emulator's clock). */
function rotateIfDue(ctx: PlatformContext): void {
  const now = ctx.clock.now();
  if (now - ctx.state.dpopNonce.rotatedAt >= ctx.nonceRotationMs) rotateNonce(ctx.state, now);
}

/** The nonce to hand out in a `dpop-nonce` header. */
export function currentNonce(ctx: PlatformContext): string {
  rotateIfDue(ctx);
  return ctx.state.dpopNonce.current;
}

/** True for the current nonce or the one it replaced (an old value keeps working for one more period). */
export function isAcceptedNonce(ctx: PlatformContext, nonce: string): boolean {
  rotateIfDue(ctx);
  const { current, previous } = ctx.state.dpopNonce;
  return nonce === current || (previous !== undefined && nonce === previous);
}
