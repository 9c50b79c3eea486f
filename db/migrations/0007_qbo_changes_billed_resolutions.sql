CREATE TYPE "public"."qbo_change_decision" AS ENUM('pending', 'keep', 'restore');--> statement-breakpoint
CREATE TYPE "public"."qbo_change_kind" AS ENUM('changed', 'deleted');--> statement-breakpoint
CREATE TABLE "billed_resolutions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"import_item_id" bigint NOT NULL,
	"signature" text NOT NULL,
	"label" text NOT NULL,
	"note" text NOT NULL,
	"resolved_by_admin_id" uuid,
	"resolved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qbo_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"qbo_id" text NOT NULL,
	"txn_date" date NOT NULL,
	"kind" "qbo_change_kind" NOT NULL,
	"written" jsonb NOT NULL,
	"current" jsonb,
	"ledger_sync_token" text NOT NULL,
	"qbo_sync_token" text,
	"billed" boolean DEFAULT false NOT NULL,
	"changed_at" text,
	"changed_by" text,
	"decision" "qbo_change_decision" DEFAULT 'pending' NOT NULL,
	"decided_by_admin_id" uuid,
	"decided_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billed_resolutions" ADD CONSTRAINT "billed_resolutions_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billed_resolutions" ADD CONSTRAINT "billed_resolutions_resolved_by_admin_id_admins_id_fk" FOREIGN KEY ("resolved_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qbo_changes" ADD CONSTRAINT "qbo_changes_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qbo_changes" ADD CONSTRAINT "qbo_changes_decided_by_admin_id_admins_id_fk" FOREIGN KEY ("decided_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billed_resolutions_connection_key_idx" ON "billed_resolutions" USING btree ("connection_id","source_key");--> statement-breakpoint
CREATE UNIQUE INDEX "qbo_changes_connection_key_unique" ON "qbo_changes" USING btree ("connection_id","source_key");--> statement-breakpoint
CREATE INDEX "qbo_changes_connection_date_idx" ON "qbo_changes" USING btree ("connection_id","txn_date");