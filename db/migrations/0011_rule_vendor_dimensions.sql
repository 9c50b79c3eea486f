ALTER TABLE "mapping_rules" ADD COLUMN "name_of" text;--> statement-breakpoint
ALTER TABLE "mapping_rules" ADD COLUMN "dimensions" jsonb;