ALTER TABLE "qbo_connections" ADD COLUMN "ledger_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_items" ADD COLUMN "lease_generation" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "lease_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "ledger_version_seen" integer;