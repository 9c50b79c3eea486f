ALTER TABLE "imports" ADD COLUMN "progress_phase" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "progress_phase_until" timestamp with time zone;