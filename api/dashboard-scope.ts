// Which tenants a dashboard subscription hears of, decided at send time: the tenants the
// principal may see now (grants made or revoked while connected count at once), narrowed to
// those it asked for.

/** Every tenant (unassigned devices included), or exactly these. */
export type TenantScope = 'all' | ReadonlySet<string>;

/** `visible`: what the principal may see (undefined: all); `requested`: what it asked for (undefined: all it may see). */
export function effectiveScope(visible: readonly string[] | undefined, requested: ReadonlySet<string> | undefined): TenantScope {
  if (visible === undefined) return requested ?? 'all';
  const allowed = new Set(visible);
  if (requested === undefined) return allowed;
  return new Set([...requested].filter((tenant) => allowed.has(tenant)));
}

/**
 * A change is heard where the scope holds one of the tenants it concerns (a job may concern
 * several); grants need no listing here, as the scope already holds the tenants granted to the
 * principal. A change that names none is for 'all' only.
 */
export const inScope = (scope: TenantScope, tenants: readonly string[]): boolean => scope === 'all' || tenants.some((tenant) => scope.has(tenant));

export interface ScopeChange {
  readonly added: readonly string[];
  readonly dropped: readonly string[];
}

export function scopeChange(before: TenantScope, after: TenantScope): ScopeChange {
  if (before === 'all' || after === 'all') return { added: [], dropped: [] };
  return {
    added: [...after].filter((tenant) => !before.has(tenant)).sort(),
    dropped: [...before].filter((tenant) => !after.has(tenant)).sort(),
  };
}

export const scopeList = (scope: TenantScope): readonly string[] | null => (scope === 'all' ? null : [...scope].sort());
