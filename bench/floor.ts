// The floor: the simplest server doing the same work on the same tables and indexes — Fastify,
// node-postgres, one hand-written query per route, the key lookup cached. What Motors CRM is
// measured against; it has no validation, no rate limit, no request log.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
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

app.get('/healthz', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
console.log(`floor running on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
