ALTER TABLE "time_description_settings" ADD COLUMN "combine" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_description_settings" ADD COLUMN "rounding" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_description_settings" ADD COLUMN "rounding_minutes" integer DEFAULT 15 NOT NULL;