CREATE TABLE "mapping_rule_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"valid_from" date,
	"kind" "mapping_rule_kind" NOT NULL,
	"target_qbo_id" text,
	"target_name" text,
	"create_options" jsonb,
	"name_of" text,
	"dimensions" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mapping_rule_periods_rule_valid_from_unique" UNIQUE NULLS NOT DISTINCT("rule_id","valid_from")
);
--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD COLUMN "valid_from" date;--> statement-breakpoint
ALTER TABLE "mapping_rule_periods" ADD CONSTRAINT "mapping_rule_periods_connection_id_qbo_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."qbo_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mapping_rule_periods" ADD CONSTRAINT "mapping_rule_periods_rule_id_mapping_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."mapping_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mapping_rule_periods_connection_idx" ON "mapping_rule_periods" USING btree ("connection_id");