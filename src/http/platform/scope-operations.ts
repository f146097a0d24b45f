import { surfaceOf, type Surface } from './surfaces.ts';

export type ScopedOperation = { surface: Surface; method: string; path: string; summary: string };

type Doc = { paths?: Record<string, Record<string, { summary?: string; 'x-required-scopes'?: string[] }>> };

// What each scope opens, read from the OpenAPI document every route is declared in (defineRoute
// writes `x-required-scopes` on each operation), so the dashboard's checklist and /openapi.json
// can never disagree with what the platform enforces. One scope name can open operations on
// several surfaces (`customers:write`: Records create/update and the Storefront's notes/tags/VIP):
// the map shows exactly which.
export function operationsByScope(doc: Doc): Record<string, ScopedOperation[]> {
  const byScope: Record<string, ScopedOperation[]> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      for (const scope of op['x-required-scopes'] ?? []) {
        (byScope[scope] ??= []).push({ surface: surfaceOf(path), method: method.toUpperCase(), path, summary: op.summary ?? '' });
      }
    }
  }
  return byScope;
}
