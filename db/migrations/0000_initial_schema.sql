CREATE TYPE "public"."connection_status" AS ENUM('connected', 'needs_reconnect', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."qbo_entity_type" AS ENUM('Employee', 'Customer', 'Vendor', 'Item', 'Account');--> statement-breakpoint
CREATE TYPE "public"."mapping_category" AS ENUM('user', 'project', 'type_of_work', 'leave_type');--> statement-breakpoint
CREATE TYPE "public"."mapping_rule_kind" AS ENUM('create', 'link', 'skip');--> statement-breakpoint
CREATE TYPE "public"."import_item_entity" AS ENUM('TimeActivity', 'Employee', 'Customer', 'Item');--> statement-breakpoint
CREATE TYPE "public"."import_item_operation" AS ENUM('create', 'update', 'delete');--> statement-breakpoint
CREATE TYPE "public"."import_item_status" AS ENUM('pending', 'sending', 'created', 'updated', 'deleted', 'unchanged', 'skipped_billed', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('draft', 'running', 'interrupting', 'completed', 'interrupted', 'error');--> statement-breakpoint
CREATE TYPE "public"."import_step" AS ENUM('select', 'map', 'preview');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"base_url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"actitime_user_id" integer NOT NULL,
	"username" text NOT NULL,
	"full_name" text NOT NULL,
	"email" text,
	"sealed_password" text,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qbo_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"realm_id" text NOT NULL,
	"company_name" text NOT NULL,
	"status" "connection_status" DEFAULT 'connected' NOT NULL,
	"sealed_access_token" text,
	"sealed_refresh_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"token_version" integer DEFAULT 0 NOT NULL,
	"time_tracking_enabled" boolean,
	"payroll_enabled" boolean,
	"books_closed_date" date,
	"company_checked_at" timestamp with time zone,
	"connected_by_admin_id" uuid,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qbo_entity_cache" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"entity_type" "qbo_entity_type" NOT NULL,
	"entities" jsonb NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mapping_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"rule_id" uuid,
	"category" "mapping_category" NOT NULL,
	"source_id" integer NOT NULL,
	"source_name" text NOT NULL,
	"changed_by_admin_id" uuid,
	"import_id" uuid,
	"before" jsonb,
	"after" jsonb NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mapping_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"category" "mapping_category" NOT NULL,
	"source_id" integer NOT NULL,
	"source_name" text NOT NULL,
	"kind" "mapping_rule_kind" NOT NULL,
	"target_qbo_id" text,
	"target_name" text,
	"create_options" jsonb,
	"updated_by_admin_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "time_description_settings" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"import_task_names" boolean DEFAULT false NOT NULL,
	"import_comments" boolean DEFAULT false NOT NULL,
	"updated_by_admin_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"entity" "import_item_entity" NOT NULL,
	"operation" "import_item_operation" NOT NULL,
	"source_key" text NOT NULL,
	"status" "import_item_status" DEFAULT 'pending' NOT NULL,
	"desired" jsonb,
	"before" jsonb,
	"qbo_id" text,
	"request_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"error_detail" text,
	"intuit_tid" text,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"created_by_admin_id" uuid NOT NULL,
	"status" "import_status" DEFAULT 'draft' NOT NULL,
	"step" "import_step" DEFAULT 'select' NOT NULL,
	"date_from" date,
	"date_to" date,
	"selection" jsonb,
	"mapping_snapshot" jsonb,
	"time_description_snapshot" jsonb,
	"summary" jsonb,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer DEFAULT 0 NOT NULL,
	"created_count" integer DEFAULT 0 NOT NULL,
	"updated_count" integer DEFAULT 0 NOT NULL,
	"deleted_count" integer DEFAULT 0 NOT NULL,
	"failed_count" integer DEFAULT 0 NOT NULL,
	"skipped_billed_count" integer DEFAULT 0 NOT NULL,
	"hours" numeric(12, 2) DEFAULT '0' NOT NULL,
	"error_message" text,
	"runner_id" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"qbo_id" text NOT NULL,
	"sync_token" text NOT NULL,
	"txn_date" date NOT NULL,
	"written" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"last_import_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admins" ADD CONSTRAINT "admins_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qbo_connections" ADD CONSTRAINT "qbo_connections_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qbo_connections" ADD CONSTRAINT "qbo_connections_connected_by_admin_id_admins_id_fk" FOREIGN KEY ("connected_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qbo_entity_cache" ADD CONSTRAINT "qbo_entity_cache_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_history" ADD CONSTRAINT "mapping_history_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_history" ADD CONSTRAINT "mapping_history_rule_id_mapping_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."mapping_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_history" ADD CONSTRAINT "mapping_history_changed_by_admin_id_admins_id_fk" FOREIGN KEY ("changed_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD CONSTRAINT "mapping_rules_updated_by_admin_id_admins_id_fk" FOREIGN KEY ("updated_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_description_settings" ADD CONSTRAINT "time_description_settings_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_description_settings" ADD CONSTRAINT "time_description_settings_updated_by_admin_id_admins_id_fk" FOREIGN KEY ("updated_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_items" ADD CONSTRAINT "import_items_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_admin_id_admins_id_fk" FOREIGN KEY ("created_by_admin_id") REFERENCES "public"."admins"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_last_import_id_imports_id_fk" FOREIGN KEY ("last_import_id") REFERENCES "public"."imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_base_url_unique" ON "accounts" USING btree ("base_url");--> statement-breakpoint
CREATE UNIQUE INDEX "admins_account_actitime_user_unique" ON "admins" USING btree ("account_id","actitime_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "qbo_connections_account_realm_unique" ON "qbo_connections" USING btree ("account_id","realm_id");--> statement-breakpoint
CREATE UNIQUE INDEX "qbo_entity_cache_connection_type_unique" ON "qbo_entity_cache" USING btree ("connection_id","entity_type");--> statement-breakpoint
CREATE INDEX "qbo_entity_cache_connection_idx" ON "qbo_entity_cache" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "mapping_history_connection_category_idx" ON "mapping_history" USING btree ("connection_id","category","changed_at");--> statement-breakpoint
CREATE INDEX "mapping_history_rule_idx" ON "mapping_history" USING btree ("rule_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mapping_rules_connection_category_source_unique" ON "mapping_rules" USING btree ("connection_id","category","source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_items_import_seq_unique" ON "import_items" USING btree ("import_id","seq");--> statement-breakpoint
CREATE INDEX "import_items_import_status_idx" ON "import_items" USING btree ("import_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "imports_one_active_per_connection" ON "imports" USING btree ("connection_id") WHERE "imports"."status" in ('running', 'interrupting');--> statement-breakpoint
CREATE INDEX "imports_connection_created_idx" ON "imports" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE INDEX "imports_account_status_idx" ON "imports" USING btree ("account_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_connection_source_key_unique" ON "ledger" USING btree ("connection_id","source_key");--> statement-breakpoint
CREATE INDEX "ledger_connection_txn_date_idx" ON "ledger" USING btree ("connection_id","txn_date");