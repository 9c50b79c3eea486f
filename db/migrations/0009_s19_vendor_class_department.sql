ALTER TYPE "public"."qbo_entity_type" ADD VALUE 'Class';--> statement-breakpoint
ALTER TYPE "public"."qbo_entity_type" ADD VALUE 'Department';--> statement-breakpoint
ALTER TYPE "public"."import_item_entity" ADD VALUE 'Vendor';