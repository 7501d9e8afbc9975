import type { FastifyInstance } from 'fastify';
import type { ClientLookup } from './contracts.js';
import type { MutableClock } from './clock.js';
import {
  createManagementState,
  loadManagementState,
  registerManagement,
  type ManagementHandle,
} from './management.js';

export type { ManagementHandle };

/** Inputs for the management half. */
export interface ManagementInputs {
  clock: MutableClock;
  orgUrl: string;
  clients: ClientLookup;
  seed?: number;
  seedUsers?: number;
  quotas?: Record<string, number>;
  concurrencyLimit?: number;
  /** A `handle.snapshot()` from an earlier run (`--state`). */
  snapshot?: unknown;
}

/**
 * Creates (or restores) the management state and registers the management routes and traffic hooks
 * (concurrency, rate limits, faults; `src/management.ts`, owned by the management side) on the root app.
 */
export function loadManagement(app: FastifyInstance, inputs: ManagementInputs): ManagementHandle {
  const stateOptions = {
    clock: inputs.clock,
    orgUrl: inputs.orgUrl,
    clients: inputs.clients,
    ...(inputs.seed !== undefined ? { seed: inputs.seed } : {}),
    ...(inputs.seedUsers !== undefined ? { seedUsers: inputs.seedUsers } : {}),
  };
  const state =
    inputs.snapshot !== undefined
      ? loadManagementState(inputs.snapshot, stateOptions)
      : createManagementState(stateOptions);
  return registerManagement(app, {
    state,
    clock: inputs.clock,
    orgUrl: inputs.orgUrl,
    ...(inputs.quotas !== undefined ? { quotas: inputs.quotas } : {}),
    ...(inputs.concurrencyLimit !== undefined ? { concurrencyLimit: inputs.concurrencyLimit } : {}),
  });
}
