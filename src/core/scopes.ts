// Every scope an API key can hold, by surface. `*` grants all of them.
export const recordsCollections = [
  'customers',
  'motors',
  'quotes',
  'workOrders',
  'invoices',
  'inventoryItems',
  'vendors',
  'purchaseOrders',
  'employees',
  'logisticsEntries',
  'leads',
  'supportTickets',
  'marketplaceItems',
  'marketplaceOrders',
  'policies',
  'directoryListings',
] as const;
export type RecordsCollection = (typeof recordsCollections)[number];

const rw = (names: readonly string[]) => names.flatMap((n) => [`${n}:read`, `${n}:write`]);

export const scopeCatalogue = {
  // `events:read` reads the event log (GET /events) of the key's tenant and environment: every
  // record type's changes, so a key holding it sees payloads of collections it may not read.
  records: [...rw(recordsCollections), 'events:read'],
  crm: [...rw(['clients', 'invoices', 'quotes', 'payments', 'products', 'projects', 'webhooks']), 'marketing:write', 'events:read'],
  storefront: ['catalog:read', 'vehicles:read', 'customers:read', 'customers:write', 'accounts:read', 'accounts:write', 'newsletter:write', 'blogs:read', 'contact:write', 'test_drives:write'],
} as const;

export const allScopes: string[] = [...new Set(Object.values(scopeCatalogue).flat())];

export function isKnownScope(scope: string): boolean {
  return scope === '*' || allScopes.includes(scope);
}

export function hasScope(granted: readonly string[], needed: string): boolean {
  return granted.includes('*') || granted.includes(needed);
}
