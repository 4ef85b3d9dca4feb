CREATE TABLE "opportunities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"stage_key" text NOT NULL,
	"status" text NOT NULL,
	"expected_close_at" bigint,
	"lost_reason" text,
	"closed_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	CONSTRAINT "opportunities_status_ck" CHECK ("opportunities"."status" in ('open', 'won', 'lost')),
	CONSTRAINT "opportunities_amount_ck" CHECK ("opportunities"."amount_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"stages" jsonb NOT NULL,
	"follow_up_types" jsonb NOT NULL,
	"lost_reasons" jsonb NOT NULL,
	"follow_up_edit_window_hours" integer NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "settings_id_is_org_ck" CHECK ("settings"."id" = "settings"."org_id")
);
--> statement-breakpoint
CREATE TABLE "stage_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"changed_by" uuid NOT NULL,
	"changed_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"assignee_id" uuid NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"due_at" bigint NOT NULL,
	"origin" text NOT NULL,
	"status" text NOT NULL,
	"source_follow_up_id" uuid,
	"done_follow_up_id" uuid,
	"done_at" bigint,
	"created_by" uuid NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	CONSTRAINT "tasks_status_ck" CHECK ("tasks"."status" in ('open', 'done', 'cancelled')),
	CONSTRAINT "tasks_origin_ck" CHECK ("tasks"."origin" in ('manual', 'followUp', 'strategy', 'reactivation', 'recycleWarning'))
);
--> statement-breakpoint
ALTER TABLE "follow_ups" DROP CONSTRAINT "follow_ups_type_ck";--> statement-breakpoint
DROP INDEX "customers_org_name_uq";--> statement-breakpoint
DROP INDEX "customers_org_credit_code_uq";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "phone_norm" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "kind" text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "lead_status" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "converted_at" bigint;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD COLUMN "opportunity_id" uuid;--> statement-breakpoint
-- Hand-written backfills (docs/server.md "Migrations"), tested in server/src/db/migrations.test.ts.
-- Every org starts with the default settings (shared/domain/settings.ts DEFAULT_SETTINGS as of protocol 3),
-- stamped with the org's current version: only protocol-3 devices receive settings, and each begins with
-- a full pull, so no cursor can already be past it.
INSERT INTO "settings" ("id", "org_id", "stages", "follow_up_types", "lost_reasons", "follow_up_edit_window_hours", "updated_at", "version")
SELECT o."id", o."id", '[{"key":"discovery","labelZh":"初步接洽","labelEn":"Discovery","probability":10,"kind":"open","active":true},{"key":"needs","labelZh":"需求确认","labelEn":"Needs confirmed","probability":30,"kind":"open","active":true},{"key":"proposal","labelZh":"方案报价","labelEn":"Proposal","probability":50,"kind":"open","active":true},{"key":"negotiation","labelZh":"商务谈判","labelEn":"Negotiation","probability":75,"kind":"open","active":true},{"key":"won","labelZh":"赢单","labelEn":"Won","probability":100,"kind":"won","active":true},{"key":"lost","labelZh":"输单","labelEn":"Lost","probability":0,"kind":"lost","active":true}]'::jsonb, '[{"key":"visit","labelZh":"上门拜访","labelEn":"Visit","active":true},{"key":"call","labelZh":"电话","labelEn":"Call","active":true},{"key":"wechat","labelZh":"微信","labelEn":"WeChat","active":true},{"key":"email","labelZh":"邮件","labelEn":"Email","active":true},{"key":"meeting","labelZh":"会议","labelEn":"Meeting","active":true},{"key":"other","labelZh":"其他","labelEn":"Other","active":true}]'::jsonb, '[{"key":"price","labelZh":"价格偏高","labelEn":"Price too high","active":true},{"key":"competitor","labelZh":"选择了竞争对手","labelEn":"Went with a competitor","active":true},{"key":"no_budget","labelZh":"预算取消","labelEn":"Budget cancelled","active":true},{"key":"no_decision","labelZh":"无决策","labelEn":"No decision","active":true},{"key":"other","labelZh":"其他","labelEn":"Other","active":true}]'::jsonb, 24,
  (extract(epoch from now()) * 1000)::bigint, o."version"
FROM "orgs" o ON CONFLICT ("id") DO NOTHING;--> statement-breakpoint
-- phone_norm = normalizePhone(phone) (shared/domain/validators.ts): drop JavaScript's \s, ( ) and -, then
-- a +86 / 86 in front of an 11-digit mobile. Live customers that already shared a phone keep it, but only
-- the first holder (the oldest) takes part in phone uniqueness; the others are grandfathered with a null
-- key until their phone is edited, so the unique index below is built without touching anyone's data.
UPDATE "customers" c SET "phone_norm" = n.norm
FROM (
  SELECT id, norm, deleted_at,
    row_number() OVER (PARTITION BY org_id, norm, deleted_at IS NULL ORDER BY created_at, id) AS rank
  FROM (
    SELECT id, org_id, created_at, deleted_at,
      regexp_replace(
        regexp_replace(phone, '[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff()-]', '', 'g'),
        '^\+?86(1[0-9]{10})$', '\1') AS norm
    FROM "customers" WHERE phone IS NOT NULL
  ) s WHERE norm <> ''
) n
WHERE c.id = n.id AND (n.deleted_at IS NOT NULL OR n.rank = 1);--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings" ADD CONSTRAINT "settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_source_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("source_follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_done_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("done_follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "opportunities_org_version_idx" ON "opportunities" USING btree ("org_id","version");--> statement-breakpoint
CREATE INDEX "opportunities_customer_id_live_idx" ON "opportunities" USING btree ("customer_id","id") WHERE "opportunities"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "stage_changes_org_version_idx" ON "stage_changes" USING btree ("org_id","version");--> statement-breakpoint
CREATE INDEX "stage_changes_customer_id_live_idx" ON "stage_changes" USING btree ("customer_id","id") WHERE "stage_changes"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "tasks_org_version_idx" ON "tasks" USING btree ("org_id","version");--> statement-breakpoint
CREATE INDEX "tasks_customer_id_live_idx" ON "tasks" USING btree ("customer_id","id") WHERE "tasks"."deleted_at" is null;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_phone_uq" ON "customers" USING btree ("org_id","phone_norm") WHERE "customers"."deleted_at" is null and "customers"."kind" = 'customer' and "customers"."phone_norm" is not null;--> statement-breakpoint
CREATE INDEX "ownership_history_customer_id_idx" ON "ownership_history" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_name_uq" ON "customers" USING btree ("org_id","name_norm") WHERE "customers"."deleted_at" is null and "customers"."kind" = 'customer';--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_credit_code_uq" ON "customers" USING btree ("org_id","credit_code") WHERE "customers"."deleted_at" is null and "customers"."kind" = 'customer' and "customers"."credit_code" is not null;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_kind_ck" CHECK ("customers"."kind" in ('customer', 'lead'));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_lead_status_ck" CHECK ("customers"."lead_status" is null or "customers"."lead_status" in ('new', 'contacted', 'qualified', 'disqualified', 'converted'));