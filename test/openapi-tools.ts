// Reads the served OpenAPI document so fault tests cover every route, including routes added
// later, without naming them. Also: credentials per surface and a minimal valid body per schema.
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import type { JsonBody, TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import type { Environment } from '../src/core/context.ts';

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  additionalProperties?: boolean | Schema;
};

export type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };

export type Operation = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, e.g. `/api/public/v1/customers/{id}`. */
  path: string;
  surface: Surface;
  parameters: Parameter[];
  body?: Schema;
  scope?: string;
};

export type Surface = 'records' | 'crm' | 'storefront' | 'manage';

export type Document = {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; 'x-required-scope'?: string }>>;
  components?: { schemas?: Record<string, Schema> };
};

export function surfaceOfPath(path: string): Surface {
  if (path.startsWith('/external')) return 'storefront';
  if (path.startsWith('/api/public/v1')) return 'records';
  if (path.startsWith('/manage/v1')) return 'manage';
  return 'crm';
}

export async function fetchDocument(base: string): Promise<Document> {
  const res = await fetch(`${base}/openapi.json`);
  assert.equal(res.status, 200);
  return (await res.json()) as Document;
}

export function operations(doc: Document): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        surface: surfaceOfPath(path),
        parameters: op.parameters ?? [],
        body: body ? resolve(doc, body) : undefined,
        scope: op['x-required-scope'],
      });
    }
  }
  return ops;
}

/** Inlines `$ref`s (components/schemas), so generators see plain schemas. */
export function resolve(doc: Document, schema: Schema, depth = 0): Schema {
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return resolve(doc, doc.components?.schemas?.[name] ?? {}, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1)]));
  if (schema.items) out.items = resolve(doc, schema.items, depth + 1);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[k]) out[k] = schema[k]!.map((s) => resolve(doc, s, depth + 1));
  return out;
}

// Values no schema can say (a scope must be one of the server's): by field name.
const nameHints: Record<string, string> = { scopes: '*', scope: '*' };

const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/**
 * A minimal valid value: the schema's example when it has one, else the required fields filled
 * from their own examples, enums, formats and bounds. Unique fields (emails) get a fresh value.
 */
export function sampleValue(schema: Schema, name = ''): unknown {
  const unique = crypto.randomBytes(4).toString('hex');
  if (schema.const !== undefined) return schema.const;
  if (schema.anyOf?.length || schema.oneOf?.length) {
    const options = (schema.anyOf ?? schema.oneOf)!.filter((s) => typeOf(s) !== 'null');
    return sampleValue({ example: schema.example, ...options[0] }, name);
  }
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sampleValue(s, name)));
  const type = typeOf(schema);
  if (type === 'object' || schema.properties) {
    const props = schema.properties ?? {};
    if (schema.example && typeof schema.example === 'object' && !Array.isArray(schema.example)) {
      return freshen({ ...(schema.example as Record<string, unknown>) }, props, unique);
    }
    // Required fields, plus the optional ones the schema gives an example for: a record that
    // passes cross-field rules ("a person needs a name or an email") more often than not.
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(props)) {
      const required = schema.required?.includes(key);
      const example = prop.example ?? prop.anyOf?.find((o) => o.example != null)?.example;
      if (required || (example !== undefined && example !== null)) out[key] = sampleValue(prop, key);
    }
    return out;
  }
  if (schema.example !== undefined && schema.example !== null) return freshen(schema.example, {}, unique, name);
  if (nameHints[name] !== undefined && typeOf(schema) === 'string') return nameHints[name];
  if (schema.examples?.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum.find((v) => v !== null);
  if (schema.default !== undefined) return schema.default;
  switch (type) {
    case 'string':
      if (schema.format === 'email' || /email/i.test(name)) return `fuzz.${unique}@example.com`;
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      if (schema.format === 'uri' || schema.format === 'url') return `https://example.com/${unique}`;
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (/password/i.test(name)) return `pw-${unique}-long-enough`;
      return `x${unique}`.repeat(Math.ceil((schema.minLength ?? 1) / 9) + 1).slice(0, Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 9, 9)));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems ? Array.from({ length: schema.minItems }, () => sampleValue(schema.items ?? {}, name)) : [];
    default:
      return null;
  }
}

// Examples are copied, but an email in them would collide on the second create.
function freshen(value: unknown, props: Record<string, Schema>, unique: string, name = ''): unknown {
  if (typeof value === 'string' && (/email/i.test(name) || props[name]?.format === 'email') && value.includes('@')) return value.replace('@', `+${unique}@`);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freshen(v, (props[k]?.properties ?? {}) as Record<string, Schema>, unique, k)]));
  }
  return value;
}

/** How a caller of each surface presents itself: API key headers, or a dashboard session. */
export type Caller = { tenantId: string; env: Environment; cookie: string; headers(surface: Surface): Record<string, string> };

/** A fresh tenant with a `*` key and an owner's dashboard session. */
export async function newCaller(server: TestServer, env: Environment = 'test'): Promise<Caller> {
  const tenantId = (await createTenant(server.app.database.db, { name: `Fuzz ${crypto.randomBytes(3).toString('hex')}` })).id;
  const email = `owner.${crypto.randomBytes(5).toString('hex')}@fuzz.example`;
  await createUser(server.app.database.db, { tenantId, email, name: 'Owner', role: 'owner', password: 'fuzz-password-123' });
  const res = await fetch(`${server.url}/manage/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'fuzz-password-123' }) });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  return callerFor(server, tenantId, env, cookie);
}

/** The same tenant seen from its other environment (a key of that environment; the session switched). */
export async function otherEnvironment(server: TestServer, caller: Caller): Promise<Caller> {
  return callerFor(server, caller.tenantId, caller.env === 'test' ? 'live' : 'test', caller.cookie);
}

async function callerFor(server: TestServer, tenantId: string, env: Environment, cookie: string): Promise<Caller> {
  const { key } = await server.key(tenantId, { env, scopes: ['*'], rateLimit: 1_000_000 });
  return {
    tenantId,
    env,
    cookie,
    headers: (surface): Record<string, string> => (surface === 'manage' ? { cookie, 'x-motors-environment': env } : { 'x-api-key': key }),
  };
}

/** Asserts an error body has its surface's documented shape; returns a reason when it doesn't. */
export function errorShapeProblem(surface: Surface, status: number, body: unknown): string | undefined {
  const b = body as Record<string, JsonBody> | undefined;
  if (!b || typeof b !== 'object') return 'error body is not JSON';
  if (surface === 'storefront') {
    if (b.statusCode !== status) return `statusCode ${b.statusCode} ≠ ${status}`;
    if (typeof b.message !== 'string' || typeof b.error !== 'string' || typeof b.timestamp !== 'string') return 'not {statusCode,message,error,timestamp}';
    return undefined;
  }
  if (!b.error || typeof b.error.message !== 'string' || typeof b.error.code !== 'string') return 'not {error:{message,code}}';
  return undefined;
}
