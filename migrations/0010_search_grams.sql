-- Search indexes keyed by tenant and environment (storage/search-text.ts searchGrams): every
-- three-character piece of a search document (none with a space: search terms have none),
-- prefixed with a short hash of its tenant and environment, so a search reads only its own
-- dealership's posting lists. Written by hand: drizzle-kit does not manage functions.
CREATE OR REPLACE FUNCTION motors_search_grams(tenant text, environment text, doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(DISTINCT s.scope || substr(doc, i, 3)), '{}')
  FROM (SELECT left(md5(tenant || ' ' || environment), 8) AS scope) s, generate_series(1, length(doc) - 2) i
  WHERE position(' ' IN substr(doc, i, 3)) = 0
$$;--> statement-breakpoint
DROP INDEX "customers_search_idx";--> statement-breakpoint
DROP INDEX "inventory_items_search_idx";--> statement-breakpoint
DROP INDEX "vendors_search_idx";--> statement-breakpoint
DROP INDEX "quotes_search_idx";--> statement-breakpoint
DROP INDEX "invoices_search_idx";--> statement-breakpoint
DROP INDEX "motors_search_idx";--> statement-breakpoint
DROP INDEX "employees_search_idx";--> statement-breakpoint
DROP INDEX "leads_search_idx";--> statement-breakpoint
DROP INDEX "work_orders_search_idx";--> statement-breakpoint
CREATE INDEX "customers_search_grams_idx" ON "customers" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "inventory_items_search_grams_idx" ON "inventory_items" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "vendors_search_grams_idx" ON "vendors" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "quotes_search_grams_idx" ON "quotes" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "invoices_search_grams_idx" ON "invoices" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "motors_search_grams_idx" ON "motors" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "employees_search_grams_idx" ON "employees" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "leads_search_grams_idx" ON "leads" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));--> statement-breakpoint
CREATE INDEX "work_orders_search_grams_idx" ON "work_orders" USING gin (motors_search_grams("tenant_id", "environment", "search_text"));