/**
 * Lookup by id or label, as Okta's `{roleIdOrLabel}` and `{resourceSetIdOrLabel}` parameters allow.
 */
/**
 * The record stored under `idOrLabel`, else the first whose (case-sensitive) label equals it: Okta's
 * `{roleIdOrLabel}` and `{resourceSetIdOrLabel}` path parameters accept either.
 * @example findByIdOrLabel(roles, 'Help desk') // the role labelled "Help desk", if any
 */
export function findByIdOrLabel<T extends { readonly label: string }>(
  records: ReadonlyMap<string, T>,
  idOrLabel: string,
): T | undefined {
  const byId = records.get(idOrLabel);
  if (byId) return byId;
  for (const record of records.values()) if (record.label === idOrLabel) return record;
  return undefined;
}
