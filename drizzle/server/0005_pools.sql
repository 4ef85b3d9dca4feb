CREATE TABLE "activity_events" (
	"org_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"outcome" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"owner_id" uuid,
	"task_id" uuid,
	"payload" jsonb NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "activity_events_org_id_event_id_pk" PRIMARY KEY("org_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "org_api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "pools" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"team_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"admin_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"recycle" jsonb NOT NULL,
	"claim" jsonb NOT NULL,
	"assign" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "pools_kind_ck" CHECK ("pools"."kind" in ('customer', 'lead'))
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pool_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "locked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "entered_pool_at" bigint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "previous_owner_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "deregistered_at" bigint;--> statement-breakpoint
ALTER TABLE "ownership_history" ADD COLUMN "action" text;--> statement-breakpoint
ALTER TABLE "ownership_history" ADD COLUMN "pool_id" uuid;--> statement-breakpoint
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_api_keys" ADD CONSTRAINT "org_api_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pools" ADD CONSTRAINT "pools_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "org_api_keys_hash_uq" ON "org_api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "pools_org_version_idx" ON "pools" USING btree ("org_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "pools_org_default_uq" ON "pools" USING btree ("org_id","kind") WHERE "pools"."is_default";--> statement-breakpoint
CREATE INDEX "customers_public_sea_idx" ON "customers" USING btree ("org_id","kind","entered_pool_at","id") WHERE "customers"."pool_state" = 'public' and "customers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "ownership_history_claims_idx" ON "ownership_history" USING btree ("to_owner_id","at") WHERE "ownership_history"."action" = 'claim';--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_recycle_warning_uq" ON "tasks" USING btree ("customer_id","due_at") WHERE "tasks"."origin" = 'recycleWarning';