CREATE TABLE "intake_tokens" (
	"tenant_id" text NOT NULL,
	"environment" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "intake_tokens_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "external_source" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "raw_document" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "parse_warnings" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "intake_details" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "intake_tokens_hash_uq" ON "intake_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_external_uq" ON "leads" USING btree ("tenant_id","environment","external_source","external_id") WHERE "leads"."external_id" is not null and "leads"."external_source" is not null;