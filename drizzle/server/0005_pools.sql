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
CREATE UNIQUE INDEX "tasks_recycle_warning_uq" ON "tasks" USING btree ("customer_id","due_at") WHERE "tasks"."origin" = 'recycleWarning';--> statement-breakpoint
-- Hand-written (docs/server.md "Migrations"), tested in server/src/db/migrations.test.ts.
-- Every org gets a default customer pool and a default lead pool, serving no team in particular (so
-- releases of every team go there), with no recycle rules (nothing moves by itself until an admin adds
-- some) and no claim limits. Stamped with the org's current version: only protocol-5 devices receive
-- pools, and each begins with a full pull (a protocol-4 or protocol-3 cursor restarts), so no cursor can
-- already be past it.
INSERT INTO "pools" ("id", "org_id", "kind", "name_zh", "name_en", "team_ids", "admin_ids", "is_default",
  "active", "recycle", "claim", "assign", "created_at", "updated_at", "version")
SELECT gen_random_uuid(), o."id", k."kind", k."name_zh", k."name_en", '[]'::jsonb, '[]'::jsonb, true, true,
  '{"rules":[],"combine":"any","exemptions":{"openOpportunityFromStage":null,"hasBought":true,"locked":true},"warnDays":3}'::jsonb,
  '{"maxPerUser":null,"maxPerTeam":null,"counts":"all","maxClaimsPerDay":null,"reclaimCooldownDays":0,"protectNewDays":0}'::jsonb,
  'previousOwnerThenLeastLoaded', (extract(epoch from now()) * 1000)::bigint,
  (extract(epoch from now()) * 1000)::bigint, o."version"
FROM "orgs" o
CROSS JOIN (VALUES ('customer', '公海', 'Public sea'), ('lead', '线索池', 'Lead pool')) AS k("kind", "name_zh", "name_en")
WHERE NOT EXISTS (
  SELECT 1 FROM "pools" p WHERE p."org_id" = o."id" AND p."kind" = k."kind" AND p."is_default"
);--> statement-breakpoint
-- Public customers are in their kind's default pool since they entered the public sea: the move that
-- took them there (their latest history row into it; the last update when there is none), from the owner
-- it took them from. Not re-versioned: devices hold no public customers, and the columns are protocol 5's,
-- which every device receives with its first (full) pull of that protocol.
UPDATE "customers" c SET "pool_id" = p."id",
  "entered_pool_at" = coalesce(h."at", c."updated_at"),
  "previous_owner_id" = h."from_owner_id"
FROM "pools" p, "customers" x
LEFT JOIN LATERAL (
  SELECT oh."at", oh."from_owner_id" FROM "ownership_history" oh
  WHERE oh."customer_id" = x."id" AND oh."to_pool_state" = 'public'
  ORDER BY oh."at" DESC, oh."id" DESC LIMIT 1
) h ON true
WHERE x."id" = c."id" AND x."pool_state" = 'public' AND c."pool_id" IS NULL
  AND p."org_id" = x."org_id" AND p."kind" = x."kind" AND p."is_default";
