CREATE TABLE "qbo_realm_budget" (
	"realm_id" text NOT NULL,
	"holder" text NOT NULL,
	"requests" integer NOT NULL,
	"batches" integer NOT NULL,
	"concurrent" integer NOT NULL,
	"wanted" integer DEFAULT 0 NOT NULL,
	"claimed_at" bigint NOT NULL,
	"counts_until" bigint NOT NULL,
	"slots_until" bigint NOT NULL,
	CONSTRAINT "qbo_realm_budget_realm_id_holder_pk" PRIMARY KEY("realm_id","holder")
);
--> statement-breakpoint
CREATE TABLE "qbo_realm_pacing" (
	"realm_id" text PRIMARY KEY NOT NULL,
	"batch_counting" text,
	"window_ms" integer,
	"evidence" text,
	"learned_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
