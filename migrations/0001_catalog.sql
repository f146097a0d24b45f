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
CREATE UNIQUE INDEX "catalog_body_types_code_uq" ON "catalog_body_types" USING btree ("code");--> statement-breakpoint
CREATE INDEX "catalog_brands_slug_idx" ON "catalog_brands" USING btree ("tenant_id","environment","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_models_brand_idx" ON "catalog_models" USING btree ("tenant_id","environment","brand_id","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_models_slug_idx" ON "catalog_models" USING btree ("tenant_id","environment","slug","id");--> statement-breakpoint
CREATE INDEX "catalog_generations_model_idx" ON "catalog_generations" USING btree ("model_id","start_year");--> statement-breakpoint
CREATE INDEX "catalog_trims_model_idx" ON "catalog_trims" USING btree ("tenant_id","environment","model_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_engines_code_uq" ON "catalog_engines" USING btree ("code");