/**
 * Conditions of custom-role permissions and resource-set resources (management.yaml `PermissionConditions`,
 * `ResourceConditions`): an object of `include`/`exclude` (any case) maps from an attribute name to a list
 * of strings. The emulator stores and serves them; it does not enforce them (docs/emulator-coverage.md).
 */
import { problem, validationFailed } from '../../lib/errors.js';
import type { ResourceConditions } from './iam-records.js';

const KINDS = new Set(['include', 'exclude']);

/**
 * Checks a `conditions` value; undefined or null means none. Throws E0000003 for a non-object and
 * E0000001 naming `conditions` for a wrong shape.
 * @example parseConditions({ include: { 'okta:ResourceAttribute/User/Profile': ['city'] } })
 */
export function parseConditions(value: unknown): ResourceConditions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw problem('E0000003');
  const out: Record<string, Record<string, string[]>> = {};
  for (const [kind, map] of Object.entries(value as Record<string, unknown>)) {
    if (!KINDS.has(kind.toLowerCase()) || typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw validationFailed('conditions', [
        `conditions: '${kind}' must be an include or exclude map of attribute lists`,
      ]);
    }
    const entries: Record<string, string[]> = {};
    for (const [attr, values] of Object.entries(map as Record<string, unknown>)) {
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        throw validationFailed('conditions', [`conditions: ${kind}.${attr} must be a list of strings`]);
      }
      entries[attr] = [...(values as string[])];
    }
    out[kind] = entries;
  }
  return out;
}
