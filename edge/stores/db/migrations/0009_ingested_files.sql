CREATE TABLE "ingested_files" (
	"site_id" text NOT NULL,
	"source" text NOT NULL,
	"hash" text NOT NULL,
	"stat" text,
	"documents" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ingested_files_site_id_source_pk" PRIMARY KEY("site_id","source")
);
--> statement-breakpoint
ALTER TABLE "ingested_files" ADD CONSTRAINT "ingested_files_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;