CREATE TABLE "refresh_tokens" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"family_id" text NOT NULL,
	"account_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "refresh_tokens_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "shopper_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"phone" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"profile_image_url" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "staff_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "request_logs" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"key_id" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"request_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "request_logs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "blog_posts" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"excerpt" text,
	"body" text NOT NULL,
	"cover_image_url" text,
	"author" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"status" text NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "blog_posts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "document_counters" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"type" text NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "document_counters_tenant_id_environment_type_pk" PRIMARY KEY("tenant_id","environment","type")
);
--> statement-breakpoint
CREATE TABLE "inventory_items" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"sku" text,
	"description" text,
	"unit_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"cost_amount" bigint,
	"tax_rate" numeric(6, 3) DEFAULT '0' NOT NULL,
	"track_stock" boolean DEFAULT false NOT NULL,
	"stock_on_hand" numeric(14, 3) DEFAULT '0' NOT NULL,
	"reorder_level" numeric(14, 3),
	"unit" text DEFAULT 'each' NOT NULL,
	"vendor_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "inventory_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "vendors" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"contact_name" text,
	"email" text,
	"phone" text,
	"address" jsonb,
	"tax_id" text,
	"payment_terms_days" integer,
	"notes" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "vendors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "marketplace_items" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"condition" text NOT NULL,
	"price_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"quantity" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"inventory_item_id" text,
	"channel" text,
	"external_id" text,
	"media_urls" text[] DEFAULT '{}' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "marketplace_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"issue_date" date,
	"notes" text,
	"customer_id" text NOT NULL,
	"valid_until" date,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "quotes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"issue_date" date,
	"notes" text,
	"customer_id" text NOT NULL,
	"quote_id" text,
	"due_date" date,
	"amount_paid" bigint DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "invoices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"issue_date" date,
	"notes" text,
	"vendor_id" text NOT NULL,
	"expected_date" date,
	"reference" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "purchase_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "marketplace_orders" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"issue_date" date,
	"notes" text,
	"customer_id" text,
	"channel" text,
	"external_order_id" text,
	"buyer_name" text,
	"buyer_email" text,
	"shipping_address" jsonb,
	"carrier" text,
	"tracking_number" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "marketplace_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "motors" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"vin" text,
	"vin_check_digit_valid" boolean,
	"vin_check_override_reason" text,
	"stock_number" text,
	"make" text NOT NULL,
	"model" text NOT NULL,
	"year" integer,
	"trim" text,
	"body_type" text,
	"engine_description" text,
	"fuel_type" text,
	"displacement" double precision,
	"horsepower" integer,
	"transmission" text,
	"drivetrain" text,
	"exterior_color" text,
	"interior_color" text,
	"mileage" integer,
	"mileage_unit" text DEFAULT 'km' NOT NULL,
	"plate" text,
	"owner_customer_id" text,
	"status" text DEFAULT 'in_stock' NOT NULL,
	"condition" text DEFAULT 'used' NOT NULL,
	"make_id" text,
	"model_id" text,
	"trim_id" text,
	"body_type_id" text,
	"description" text,
	"listing_type" text,
	"listing_status" text DEFAULT 'draft' NOT NULL,
	"listing_price_amount" integer,
	"listing_currency" text,
	"sale_options" jsonb,
	"rental_options" jsonb,
	"auction_options" jsonb,
	"media" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"features" jsonb DEFAULT '{"safety":[],"exterior":[],"interior":[],"entertainment":[]}'::jsonb NOT NULL,
	"pickup_details" jsonb,
	"slug" text NOT NULL,
	"views_count" integer DEFAULT 0 NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "motors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "employees" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text,
	"email" text,
	"phone" text,
	"role" text DEFAULT 'other' NOT NULL,
	"hourly_cost_amount" integer,
	"currency" text,
	"active" boolean DEFAULT true NOT NULL,
	"hired_on" date,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "employees_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"source" text DEFAULT 'other' NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"customer_id" text,
	"contact_name" text,
	"contact_email" text,
	"contact_phone" text,
	"interest" text,
	"motor_id" text,
	"vehicle_of_interest" jsonb,
	"message" text,
	"assigned_employee_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "leads_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"subject" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'open' NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"customer_id" text,
	"motor_id" text,
	"assignee_employee_id" text,
	"channel" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "support_tickets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"policy_number" text,
	"customer_id" text NOT NULL,
	"motor_id" text,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"premium_amount" integer,
	"currency" text,
	"coverage" text,
	"status" text DEFAULT 'active' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "policies_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "logistics_entries" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"motor_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_location" text,
	"to_location" text,
	"scheduled_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"carrier" text,
	"tracking_number" text,
	"cost_amount" integer,
	"currency" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"driver_employee_id" text,
	"notes" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "logistics_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "directory_listings" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"directory" text NOT NULL,
	"name" text NOT NULL,
	"url" text,
	"address" text,
	"phone" text,
	"categories" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"external_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "directory_listings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "catalog_body_types" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"icon_url" text
);
--> statement-breakpoint
CREATE TABLE "catalog_brands" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"environment" text,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"country_of_origin" text,
	"logo_url" text,
	"source" text NOT NULL,
	"vpic_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_models" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"environment" text,
	"brand_id" text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"body_type_id" text,
	"start_year" integer,
	"end_year" integer,
	"source" text NOT NULL,
	"vpic_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_generations" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"start_year" integer NOT NULL,
	"end_year" integer,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_trims" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"environment" text,
	"model_id" text NOT NULL,
	"generation_id" text,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"engine_ids" text[] DEFAULT '{}' NOT NULL,
	"drivetrains" text[] DEFAULT '{}' NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_engines" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"displacement" text,
	"cylinders" integer,
	"horsepower" integer NOT NULL,
	"torque_nm" integer,
	"transmission" text NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_orders" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"number" text NOT NULL,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"subtotal_amount" bigint NOT NULL,
	"tax_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"issue_date" date,
	"notes" text,
	"customer_id" text NOT NULL,
	"motor_id" text NOT NULL,
	"jobs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"assigned_employee_ids" text[] DEFAULT '{}' NOT NULL,
	"mileage_in" integer,
	"mileage_out" integer,
	"promised_at" timestamp with time zone,
	"quote_id" text,
	"invoice_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "work_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_expires_at" timestamp with time zone,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "webhook_endpoints_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "webhook_deliveries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"request_id" text NOT NULL,
	"worker" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"status_code" integer,
	"response_body" text,
	"error" text,
	CONSTRAINT "webhook_attempts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"paid_at" timestamp with time zone NOT NULL,
	"notes" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "payments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "vehicle_views" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"motor_id" text NOT NULL,
	"day" date NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "vehicle_views_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "contact_messages" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"subject" text,
	"message" text NOT NULL,
	"lead_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "contact_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"kind" text DEFAULT 'test_drive' NOT NULL,
	"motor_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"preferred_date" timestamp with time zone,
	"status" text DEFAULT 'pending' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "appointments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "response" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "account_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_hash_uq" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("tenant_id","family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shopper_accounts_email_uq" ON "shopper_accounts" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_sessions_token_uq" ON "staff_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "request_logs_key_time_idx" ON "request_logs" USING btree ("tenant_id","key_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "blog_posts_slug_uq" ON "blog_posts" USING btree ("tenant_id","environment","slug");--> statement-breakpoint
CREATE INDEX "blog_posts_published_idx" ON "blog_posts" USING btree ("tenant_id","environment","status","published_at");--> statement-breakpoint
CREATE INDEX "inventory_items_sync_idx" ON "inventory_items" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_items_sku_idx" ON "inventory_items" USING btree ("tenant_id","environment","sku") WHERE sku is not null and deleted_at is null;--> statement-breakpoint
CREATE INDEX "vendors_sync_idx" ON "vendors" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "marketplace_items_sync_idx" ON "marketplace_items" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "quotes_sync_idx" ON "quotes" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "quotes_number_idx" ON "quotes" USING btree ("tenant_id","environment","number");--> statement-breakpoint
CREATE INDEX "quotes_customer_idx" ON "quotes" USING btree ("tenant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "invoices_sync_idx" ON "invoices" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_idx" ON "invoices" USING btree ("tenant_id","environment","number");--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "invoices" USING btree ("tenant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "invoices_quote_idx" ON "invoices" USING btree ("tenant_id","environment","quote_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_sync_idx" ON "purchase_orders" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "purchase_orders_number_idx" ON "purchase_orders" USING btree ("tenant_id","environment","number");--> statement-breakpoint
CREATE INDEX "marketplace_orders_sync_idx" ON "marketplace_orders" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_orders_number_idx" ON "marketplace_orders" USING btree ("tenant_id","environment","number");--> statement-breakpoint
CREATE INDEX "motors_sync_idx" ON "motors" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "motors_vin_uq" ON "motors" USING btree ("tenant_id","environment","vin") WHERE "motors"."vin" is not null and "motors"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "motors_owner_idx" ON "motors" USING btree ("tenant_id","environment","owner_customer_id");--> statement-breakpoint
CREATE INDEX "motors_active_listing_idx" ON "motors" USING btree ("tenant_id","environment","listing_type","created_at") WHERE "motors"."listing_status" = 'active' and "motors"."listing_type" is not null and "motors"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "motors_slug_idx" ON "motors" USING btree ("tenant_id","environment","slug");--> statement-breakpoint
CREATE INDEX "employees_sync_idx" ON "employees" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "leads_sync_idx" ON "leads" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "leads_status_idx" ON "leads" USING btree ("tenant_id","environment","status");--> statement-breakpoint
CREATE INDEX "support_tickets_sync_idx" ON "support_tickets" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "policies_sync_idx" ON "policies" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "policies_customer_idx" ON "policies" USING btree ("tenant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "logistics_entries_sync_idx" ON "logistics_entries" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "logistics_entries_motor_idx" ON "logistics_entries" USING btree ("tenant_id","environment","motor_id");--> statement-breakpoint
CREATE INDEX "directory_listings_sync_idx" ON "directory_listings" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_body_types_code_uq" ON "catalog_body_types" USING btree ("code");--> statement-breakpoint
CREATE INDEX "catalog_brands_slug_idx" ON "catalog_brands" USING btree ("tenant_id","environment","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_models_brand_idx" ON "catalog_models" USING btree ("tenant_id","environment","brand_id","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_models_slug_idx" ON "catalog_models" USING btree ("tenant_id","environment","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_generations_model_idx" ON "catalog_generations" USING btree ("model_id","start_year");--> statement-breakpoint
CREATE INDEX "catalog_trims_model_idx" ON "catalog_trims" USING btree ("tenant_id","environment","model_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_engines_code_uq" ON "catalog_engines" USING btree ("code");--> statement-breakpoint
CREATE INDEX "work_orders_sync_idx" ON "work_orders" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "work_orders_number_idx" ON "work_orders" USING btree ("tenant_id","environment","number");--> statement-breakpoint
CREATE INDEX "work_orders_motor_idx" ON "work_orders" USING btree ("tenant_id","environment","motor_id");--> statement-breakpoint
CREATE INDEX "work_orders_customer_idx" ON "work_orders" USING btree ("tenant_id","environment","customer_id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_env_idx" ON "webhook_endpoints" USING btree ("tenant_id","environment","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint_idx" ON "webhook_deliveries" USING btree ("tenant_id","event_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("tenant_id","endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE status in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("tenant_id","delivery_id","started_at");--> statement-breakpoint
CREATE INDEX "webhook_attempts_started_idx" ON "webhook_attempts" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE INDEX "payments_sync_idx" ON "payments" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "payments_invoice_idx" ON "payments" USING btree ("tenant_id","environment","invoice_id");--> statement-breakpoint
CREATE INDEX "payments_customer_idx" ON "payments" USING btree ("tenant_id","environment","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicle_views_motor_day_uq" ON "vehicle_views" USING btree ("tenant_id","environment","motor_id","day");--> statement-breakpoint
CREATE INDEX "contact_messages_created_idx" ON "contact_messages" USING btree ("tenant_id","environment","created_at");--> statement-breakpoint
CREATE INDEX "appointments_sync_idx" ON "appointments" USING btree ("tenant_id","environment","updated_at","id");--> statement-breakpoint
CREATE INDEX "appointments_motor_idx" ON "appointments" USING btree ("tenant_id","environment","motor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_account_uq" ON "customers" USING btree ("tenant_id","environment","account_id");