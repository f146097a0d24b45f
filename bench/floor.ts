// The floor: the simplest server doing the same work on the same tables and indexes — Fastify,
// node-postgres, one hand-written query per route, the key lookup cached. What Motors CRM is
// measured against; it has no validation, no rate limit, no request log. With FLOOR_PGLITE_DIR
// (`npm run bench -- --pglite`) the same queries go to an in-process PGlite opened on that
// directory (a copy of Motors CRM's data), started as Motors CRM starts its own.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { pgliteStartParams } from '../src/storage/pglite.ts';

type Pool = { query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }> };

async function openPglite(dataDir: string): Promise<Pool> {
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite({ dataDir, startParams: pgliteStartParams });
  await client.waitReady;
  return client;
}

const pool: Pool = process.env.FLOOR_PGLITE_DIR ? await openPglite(process.env.FLOOR_PGLITE_DIR) : new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });

type Key = { tenant_id: string; environment: string };
const keys = new Map<string, Key | null>();
async function auth(header: unknown): Promise<Key | null> {
  if (typeof header !== 'string') return null;
  const hash = crypto.createHash('sha256').update(header).digest('hex');
  if (keys.has(hash)) return keys.get(hash)!;
  const { rows } = await pool.query<Key>('select tenant_id, environment from api_keys where key_hash = $1 and revoked_at is null', [hash]);
  keys.set(hash, rows[0] ?? null);
  return rows[0] ?? null;
}

const columns = 'id, type, first_name, last_name, company_name, email, phone, mobile, whatsapp, address, tags, notes, marketing_consent, is_vip, lead_score, lifecycle_stage, source, preferences, metadata, created_at, updated_at, deleted_at';

app.addHook('onRequest', async (req, reply) => {
  const key = await auth(req.headers['x-api-key']);
  if (!key) return reply.code(401).send({ error: { message: 'unauthorized', code: 'unauthorized' } });
  (req as unknown as { key: Key }).key = key;
});
const keyOf = (req: unknown) => (req as { key: Key }).key;

app.get('/api/public/v1/customers', async (req) => {
  const k = keyOf(req);
  const q = req.query as { limit?: string; updatedAfter?: string };
  const { rows } = await pool.query(
    `select ${columns} from customers where tenant_id = $1 and environment = $2 and deleted_at is null and updated_at > $3 order by updated_at, id limit $4`,
    [k.tenant_id, k.environment, q.updatedAfter ?? '-infinity', Math.min(Number(q.limit ?? 50), 200)],
  );
  return { data: rows };
});

app.get('/api/public/v1/customers/:id', async (req, reply) => {
  const k = keyOf(req);
  const { rows } = await pool.query(`select ${columns} from customers where tenant_id = $1 and environment = $2 and id = $3`, [k.tenant_id, k.environment, (req.params as { id: string }).id]);
  return rows[0] ? { data: rows[0] } : reply.code(404).send({ error: { message: 'not found', code: 'not_found' } });
});

// One statement: the customer, its outbox event and the idempotency record, as ours writes them.
app.post('/api/public/v1/customers', async (req, reply) => {
  const k = keyOf(req);
  const b = req.body as { type?: string; firstName?: string; lastName?: string; email?: string };
  const id = uuidv7();
  const now = new Date();
  const { rows } = await pool.query(
    `with c as (
       insert into customers (tenant_id, environment, id, type, first_name, last_name, email, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning ${columns}
     ), e as (
       insert into events (tenant_id, environment, id, type, data, created_at) select $1, $2, $9, 'crm.customers.created', to_jsonb(c), $8 from c
     ), i as (
       insert into idempotency_keys (tenant_id, environment, key, request_hash, method, path, status_code, response, created_at)
       select $1, $2, $10, 'floor', 'POST', '/api/public/v1/customers', 201, jsonb_build_object('data', to_jsonb(c)), $8 from c where $10::text is not null
     ) select * from c`,
    [k.tenant_id, k.environment, id, b.type ?? 'person', b.firstName ?? null, b.lastName ?? null, b.email ?? null, now, uuidv7(), (req.headers['idempotency-key'] as string | undefined) ?? null],
  );
  return reply.code(201).send({ data: rows[0] });
});

app.put('/api/public/v1/customers/:id', async (req, reply) => {
  const k = keyOf(req);
  const b = req.body as { firstName?: string; lastName?: string };
  const { rows } = await pool.query(
    `with c as (
       update customers set first_name = coalesce($4, first_name), last_name = coalesce($5, last_name), updated_at = $6
       where tenant_id = $1 and environment = $2 and id = $3 returning ${columns}
     ), e as (
       insert into events (tenant_id, environment, id, type, data, created_at) select $1, $2, $7, 'crm.customers.updated', to_jsonb(c), $6 from c
     ) select * from c`,
    [k.tenant_id, k.environment, (req.params as { id: string }).id, b.firstName ?? null, b.lastName ?? null, new Date(), uuidv7()],
  );
  return rows[0] ? { data: rows[0] } : reply.code(404).send({ error: { message: 'not found', code: 'not_found' } });
});

// Storefront vehicle search: the active listings matching make, price range and first year, newest
// first, with their catalog names and the total in one query (ours counts in a second one).
app.get('/external/vehicles', async (req) => {
  const k = keyOf(req);
  const q = req.query as { brandId?: string; minPrice?: string; maxPrice?: string; minYear?: string; page?: string; limit?: string };
  const limit = Math.min(Number(q.limit ?? 20), 100);
  const page = Number(q.page ?? 1);
  const { rows } = await pool.query(
    `select m.*, b.name as brand_name, b.logo_url as brand_logo_url, cm.name as model_name, cm.slug as model_slug, bt.name as body_type_name, bt.code as body_type_code,
            count(*) over () as total
       from motors m
       left join catalog_brands b on b.id = m.make_id
       left join catalog_models cm on cm.id = m.model_id
       left join catalog_body_types bt on bt.id = m.body_type_id
      where m.tenant_id = $1 and m.environment = $2 and m.deleted_at is null and m.listing_status = 'active' and m.listing_type is not null
        and ($3::text is null or m.make_id = $3) and ($4::int is null or m.listing_price_amount >= $4) and ($5::int is null or m.listing_price_amount <= $5)
        and ($6::int is null or m.year >= $6)
      order by m.created_at desc, m.id desc limit $7 offset $8`,
    [k.tenant_id, k.environment, q.brandId ?? null, q.minPrice ? Math.round(Number(q.minPrice) * 100) : null, q.maxPrice ? Math.round(Number(q.maxPrice) * 100) : null, q.minYear ?? null, limit, (page - 1) * limit],
  );
  const total = Number(rows[0]?.total ?? 0);
  return { statusCode: 200, data: rows, total, page, limit, totalPages: Math.ceil(total / limit) };
});

// CRM invoice create, one statement: the next number from the counter, the invoice with its lines
// (stored as ours stores them), its outbox event and the idempotency record; the client must exist.
type LineIn = { type?: string; description?: string; quantity?: number; rate?: number; tax_rate?: number };
app.post('/crm-api/v1/invoices', async (req, reply) => {
  const k = keyOf(req);
  const b = req.body as { client_id: string; due_date?: string; line_items?: LineIn[] };
  let subtotal = 0;
  let tax = 0;
  const lines = (b.line_items ?? []).map((l) => {
    const quantity = l.quantity ?? 1;
    const unitAmount = Math.round((l.rate ?? 0) * 100);
    const amount = Math.round(quantity * unitAmount);
    const taxAmount = Math.round((amount * (l.tax_rate ?? 0)) / 100);
    subtotal += amount;
    tax += taxAmount;
    return { id: uuidv7(), kind: l.type ?? 'product', description: l.description, quantity, unitAmount, taxRate: l.tax_rate ?? 0, inventoryItemId: null, subtotalAmount: amount, taxAmount, totalAmount: amount + taxAmount };
  });
  const now = new Date();
  const { rows } = await pool.query(
    `with n as (
       insert into document_counters (tenant_id, environment, type, last_number) values ($1, $2, 'invoice', 1)
       on conflict (tenant_id, environment, type) do update set last_number = document_counters.last_number + 1 returning last_number
     ), i as (
       insert into invoices (tenant_id, environment, id, number, status, currency, lines, subtotal_amount, tax_amount, total_amount, customer_id, due_date, created_at, updated_at)
       select $1, $2, $3, 'INV-' || lpad(n.last_number::text, 6, '0'), 'draft', 'USD', $4::jsonb, $5, $6, $5::bigint + $6::bigint, $7, $8, $9, $9 from n
        where exists (select 1 from customers where tenant_id = $1 and environment = $2 and id = $7 and deleted_at is null)
       returning *
     ), e as (
       insert into events (tenant_id, environment, id, type, data, created_at) select $1, $2, $10, 'crm.invoices.created', to_jsonb(i), $9 from i
     ), k as (
       insert into idempotency_keys (tenant_id, environment, key, request_hash, method, path, status_code, response, created_at)
       select $1, $2, $11, 'floor', 'POST', '/crm-api/v1/invoices', 201, jsonb_build_object('data', to_jsonb(i)), $9 from i where $11::text is not null
     ) select * from i`,
    [k.tenant_id, k.environment, uuidv7(), JSON.stringify(lines), subtotal, tax, b.client_id, b.due_date ?? null, now, uuidv7(), (req.headers['idempotency-key'] as string | undefined) ?? null],
  );
  return rows[0] ? reply.code(201).send({ data: rows[0] }) : reply.code(422).send({ error: { message: 'client_id: no such client', code: 'validation_failed' } });
});

app.get('/healthz', async () => ({ status: 'ok' }));
// An exit of its own on SIGTERM, so that `node --cpu-prof` writes the profile (BENCH_CPU_PROF).
process.once('SIGTERM', () => process.exit(0));

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
console.log(`floor on ${process.env.FLOOR_PGLITE_DIR ? 'PGlite' : 'PostgreSQL'} running on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
