// Pure helpers for the scope checklist (no DOM): unit-tested in test/dashboard-ui.test.ts.

export type ScopeCatalogue = Record<string, string[]>;
export type ScopeResource = { resource: string; label: string; scopes: string[] };
export type ScopeGroup = { surface: string; label: string; basePath: string; resources: ScopeResource[]; scopes: string[] };

export const surfaces: Record<string, { label: string; basePath: string }> = {
  records: { label: 'Records API', basePath: '/api/public/v1' },
  crm: { label: 'CRM API', basePath: '/crm-api/v1' },
  storefront: { label: 'Storefront API', basePath: '/external' },
};

/** "workOrders" → "Work orders", "test_drives" → "Test drives". */
export function humanize(resource: string): string {
  const words = resource
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The catalogue from GET /manage/v1/scopes as groups (one per surface) of resources with their read/write scopes. */
export function groupScopes(catalogue: ScopeCatalogue): ScopeGroup[] {
  const known = Object.keys(surfaces).filter((s) => s in catalogue);
  const others = Object.keys(catalogue).filter((s) => !(s in surfaces));
  return [...known, ...others].map((surface) => {
    const byResource = new Map<string, string[]>();
    for (const scope of catalogue[surface] ?? []) {
      const resource = scope.split(':')[0];
      byResource.set(resource, [...(byResource.get(resource) ?? []), scope]);
    }
    const resources = [...byResource].map(([resource, scopes]) => ({ resource, label: humanize(resource), scopes: sortAccess(scopes) }));
    return {
      surface,
      label: surfaces[surface]?.label ?? humanize(surface),
      basePath: surfaces[surface]?.basePath ?? '',
      resources,
      scopes: resources.flatMap((r) => r.scopes),
    };
  });
}

const sortAccess = (scopes: string[]) => [...scopes].sort((a, b) => accessRank(a) - accessRank(b));
const accessRank = (scope: string) => (scope.endsWith(':read') ? 0 : scope.endsWith(':write') ? 1 : 2);

export function toggleScope(selected: readonly string[], scope: string, on: boolean): string[] {
  const rest = selected.filter((s) => s !== scope);
  return on ? [...rest, scope] : rest;
}

/** Selects or clears every scope of a group at once. */
export function toggleGroup(selected: readonly string[], group: ScopeGroup, on: boolean): string[] {
  const rest = selected.filter((s) => !group.scopes.includes(s));
  return on ? [...rest, ...group.scopes] : rest;
}

export function groupState(selected: readonly string[], group: ScopeGroup): 'all' | 'some' | 'none' {
  const n = group.scopes.filter((s) => selected.includes(s)).length;
  return n === 0 ? 'none' : n === group.scopes.length ? 'all' : 'some';
}

/** A short summary for the key list: "All scopes", "customers:read", "customers:read +3 more". */
export function summarizeScopes(scopes: readonly string[]): string {
  if (scopes.includes('*')) return 'All scopes';
  if (scopes.length === 0) return 'No scopes';
  return scopes.length === 1 ? scopes[0] : `${scopes[0]} +${scopes.length - 1} more`;
}

export type ScopedOperation = { surface: string; method: string; path: string; summary: string };

/**
 * The operations a scope opens on APIs other than `surface`: a scope name such as `customers:write`
 * is one permission on every API that has the resource, and the checklist must say so.
 */
export function elsewhere(operations: Record<string, ScopedOperation[]> | undefined, scope: string, surface: string): ScopedOperation[] {
  return (operations?.[scope] ?? []).filter((o) => o.surface !== surface);
}

/** "Records API: POST /api/public/v1/customers, PUT /api/public/v1/customers/{id}" per other API. */
export function describeElsewhere(ops: ScopedOperation[]): string {
  const bySurface = new Map<string, string[]>();
  for (const o of ops) bySurface.set(o.surface, [...(bySurface.get(o.surface) ?? []), `${o.method} ${o.path}`]);
  return [...bySurface].map(([s, list]) => `${surfaces[s]?.label ?? humanize(s)}: ${list.join(', ')}`).join('; ');
}
