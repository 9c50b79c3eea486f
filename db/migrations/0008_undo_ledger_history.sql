CREATE TYPE "public"."import_kind" AS ENUM('import', 'undo');--> statement-breakpoint
CREATE TABLE "ledger_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"operation" text NOT NULL,
	"qbo_id_after" text,
	"before" jsonb,
	"ledger_only" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "kind" "import_kind" DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "undo_of_import_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_history" ADD CONSTRAINT "ledger_history_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_history" ADD CONSTRAINT "ledger_history_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_history_import_idx" ON "ledger_history" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "ledger_history_connection_key_idx" ON "ledger_history" USING btree ("connection_id","source_key");--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_undo_of_import_id_imports_id_fk" FOREIGN KEY ("undo_of_import_id") REFERENCES "public"."imports"("id") ON DELETE set null ON UPDATE no action;