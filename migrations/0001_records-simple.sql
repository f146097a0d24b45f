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
CREATE INDEX "directory_listings_sync_idx" ON "directory_listings" USING btree ("tenant_id","environment","updated_at","id");