// Bulk seeding straight into the tables (the API would take minutes for 100,000 records).
// Generic over a table's columns, so a collection merged later is seeded by naming its table.
import crypto from 'node:crypto';
import type pg from 'pg';
import { uuidv7 } from 'uuidv7';

type Column = { name: string; type: string; nullable: boolean; hasDefault: boolean };

export async function tableExists(pool: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ t: string | null }>('select to_regclass($1) as t', [table]);
  return rows[0].t !== null;
}

async function columnsOf(pool: pg.Pool, table: string): Promise<Column[]> {
  const { rows } = await pool.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `select column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  return rows.map((r) => ({ name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES', hasDefault: r.column_default !== null }));
}

// A value for a required column nobody described: enough to satisfy NOT NULL.
function filler(c: Column, i: number): unknown {
  if (/int|numeric|double|real/.test(c.type)) return i % 1000;
  if (c.type === 'boolean') return i % 2 === 0;
  if (c.type.startsWith('json')) return '{}';
  if (c.type.startsWith('timestamp')) return new Date();
  if (c.type === 'date') return new Date().toISOString().slice(0, 10);
  if (c.type === 'ARRAY') return [];
  if (c.type === 'uuid') return crypto.randomUUID();
  return `${c.name}-${i}`;
}

/**
 * Inserts `count` rows into `table` for one tenant and environment, in multi-row batches.
 * `updated_at` runs over the last `count` seconds so `updatedAfter` can point near the end.
 * Returns the ids, oldest first.
 */
export async function seedTable(
  pool: pg.Pool,
  table: string,
  count: number,
  owner: { tenantId: string; environment: string },
  values: (i: number) => Record<string, unknown> = () => ({}),
): Promise<string[]> {
  const cols = await columnsOf(pool, table);
  const start = Date.now() - count * 1000;
  const ids: string[] = [];
  const sample = values(0);
  const used = cols.filter((c) => ['tenant_id', 'environment', 'id', 'created_at', 'updated_at'].includes(c.name) || c.name in sample || (!c.nullable && !c.hasDefault));
  const batch = Math.max(1, Math.floor(30_000 / used.length));
  for (let from = 0; from < count; from += batch) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let i = from; i < Math.min(count, from + batch); i++) {
      const given = values(i);
      const at = new Date(start + i * 1000);
      const id = uuidv7();
      ids.push(id);
      const row: Record<string, unknown> = { tenant_id: owner.tenantId, environment: owner.environment, id, created_at: at, updated_at: at, ...given };
      tuples.push(`(${used.map((c) => `$${params.push(c.name in row ? row[c.name] : filler(c, i))}`).join(', ')})`);
    }
    await pool.query(`insert into ${table} (${used.map((c) => `"${c.name}"`).join(', ')}) values ${tuples.join(', ')}`, params);
  }
  await pool.query(`analyze ${table}`);
  return ids;
}
