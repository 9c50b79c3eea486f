DROP INDEX "accounts_base_url_unique";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "account_key" text GENERATED ALWAYS AS (lower(regexp_replace(base_url, '^https?://([^/]*?)\.?(:(80|443))?(:[0-9]+)?(/.*)?$', '\1\4\5'))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "qbo_connections" ADD COLUMN "refresh_lease_id" text;--> statement-breakpoint
ALTER TABLE "qbo_connections" ADD COLUMN "refresh_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "realm_id" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "draft_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_account_key_unique" ON "accounts" USING btree ("account_key");--> statement-breakpoint
CREATE UNIQUE INDEX "imports_one_active_per_realm" ON "imports" USING btree ("realm_id") WHERE "imports"."status" in ('running', 'interrupting');