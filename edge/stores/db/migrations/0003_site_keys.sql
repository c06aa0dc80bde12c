ALTER TABLE "sites" ADD COLUMN "public_key" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "secret_key" text;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_public_key_unique" UNIQUE("public_key");