CREATE TABLE "catalogs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"option_lists" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "catalogs_id_is_org_ck" CHECK ("catalogs"."id" = "catalogs"."org_id")
);
--> statement-breakpoint
CREATE TABLE "template_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"category" text,
	"number" integer NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"sections" jsonb NOT NULL,
	"fields" jsonb NOT NULL,
	"published_at" bigint NOT NULL,
	"published_by" uuid NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "template_versions_entity_ck" CHECK ("template_versions"."entity" in ('customer', 'contact', 'lead', 'opportunity', 'followUp'))
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"category" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"layout" jsonb NOT NULL,
	"published_number" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "templates_entity_ck" CHECK ("templates"."entity" in ('customer', 'contact', 'lead', 'opportunity', 'followUp'))
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "attrs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "template_version_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "template_version_id" uuid;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "attrs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "template_version_id" uuid;--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "attrs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "template_version_id" uuid;--> statement-breakpoint
ALTER TABLE "catalogs" ADD CONSTRAINT "catalogs_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "templates" ADD CONSTRAINT "templates_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "template_versions_template_number_uq" ON "template_versions" USING btree ("template_id","number");--> statement-breakpoint
CREATE INDEX "template_versions_org_version_idx" ON "template_versions" USING btree ("org_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_org_entity_category_uq" ON "templates" USING btree ("org_id","entity",coalesce("category", ''));--> statement-breakpoint
CREATE INDEX "customers_attrs_gin_idx" ON "customers" USING gin ("attrs" jsonb_path_ops);--> statement-breakpoint
-- Hand-written (docs/server.md "Migrations"), tested in server/src/db/migrations.test.ts.
-- Every org gets its catalog row (empty option lists and field library; the demo seed fills the demo
-- org's), stamped with the org's current version: only protocol-4 devices receive catalogs, and each
-- begins with a full pull (a protocol-3 cursor restarts), so no cursor can already be past it.
INSERT INTO "catalogs" ("id", "org_id", "option_lists", "fields", "updated_at", "version")
SELECT o."id", o."id", '[]'::jsonb, '[]'::jsonb, (extract(epoch from now()) * 1000)::bigint, o."version"
FROM "orgs" o ON CONFLICT ("id") DO NOTHING;--> statement-breakpoint
-- A published version is immutable: records name the version their values were judged by. TRUNCATE (the
-- demo reset) is not a row operation and still empties the table.
CREATE FUNCTION "template_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'template_versions rows are immutable (publish a new version instead)'
    USING ERRCODE = 'restrict_violation';
END $$;--> statement-breakpoint
CREATE TRIGGER "template_versions_immutable_tg" BEFORE UPDATE OR DELETE ON "template_versions"
FOR EACH ROW EXECUTE FUNCTION "template_versions_immutable"();
