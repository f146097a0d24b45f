-- Search grams indexes without GIN's pending list (storage/search-text.ts searchIndex: every
-- search read the whole list until a VACUUM merged it). Written by hand: drizzle-kit would drop
-- and rebuild the indexes; ALTER INDEX changes the setting in place, and gin_clean_pending_list
-- merges what is already pending, so no search reads it again.
ALTER INDEX "customers_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "inventory_items_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "vendors_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "quotes_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "invoices_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "motors_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "employees_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "leads_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
ALTER INDEX "work_orders_search_grams_idx" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('customers_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('inventory_items_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('vendors_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('quotes_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('invoices_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('motors_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('employees_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('leads_search_grams_idx'::regclass);--> statement-breakpoint
SELECT gin_clean_pending_list('work_orders_search_grams_idx'::regclass);
