CREATE TABLE "intent_models" (
	"site_id" text PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"model" jsonb NOT NULL,
	"report" jsonb NOT NULL,
	"examples" jsonb NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "intent_models" ADD CONSTRAINT "intent_models_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;