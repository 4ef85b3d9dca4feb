CREATE TABLE `opportunities` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`owner_id` text NOT NULL,
	`name` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`stage_key` text NOT NULL,
	`status` text NOT NULL,
	`expected_close_at` integer,
	`lost_reason` text,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `opportunities_customer_idx` ON `opportunities` (`customer_id`);--> statement-breakpoint
CREATE INDEX `opportunities_stage_idx` ON `opportunities` (`status`,`stage_key`,`updated_at`);--> statement-breakpoint
CREATE INDEX `opportunities_owner_idx` ON `opportunities` (`owner_id`,`status`);--> statement-breakpoint
CREATE TABLE `ownership_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`from_owner_id` text,
	`to_owner_id` text,
	`from_pool_state` text,
	`to_pool_state` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`reason` text,
	`at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ownership_events_customer_idx` ON `ownership_events` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `ownership_events_to_owner_idx` ON `ownership_events` (`to_owner_id`,`at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`stages` text NOT NULL,
	`follow_up_types` text NOT NULL,
	`lost_reasons` text NOT NULL,
	`follow_up_edit_window_hours` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stage_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`opportunity_id` text NOT NULL,
	`from_stage` text,
	`to_stage` text NOT NULL,
	`changed_by` text NOT NULL,
	`changed_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stage_changes_customer_idx` ON `stage_changes` (`customer_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`assignee_id` text NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`due_at` integer NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`source_follow_up_id` text,
	`done_follow_up_id` text,
	`done_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `tasks_assignee_idx` ON `tasks` (`assignee_id`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `tasks_customer_idx` ON `tasks` (`customer_id`,`status`,`due_at`);--> statement-breakpoint
DROP INDEX `customers_owner_idx`;--> statement-breakpoint
DROP INDEX `customers_name_idx`;--> statement-breakpoint
DROP INDEX `customers_last_follow_up_idx`;--> statement-breakpoint
DROP INDEX `customers_updated_idx`;--> statement-breakpoint
DROP INDEX `customers_created_idx`;--> statement-breakpoint
DROP INDEX `customers_industry_idx`;--> statement-breakpoint
DROP INDEX `customers_region_idx`;--> statement-breakpoint
DROP INDEX `customers_level_idx`;--> statement-breakpoint
DROP INDEX `customers_status_idx`;--> statement-breakpoint
ALTER TABLE `customers` ADD `kind` text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `lead_status` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `converted_at` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `name_key` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `credit_key` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `phone_key` text;--> statement-breakpoint
CREATE INDEX `customers_lead_idx` ON `customers` (`lead_status`,`created_at`,`id`) WHERE "customers"."lead_status" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_name_key_idx` ON `customers` (`name_key`) WHERE "customers"."kind" = 'customer' AND "customers"."name_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_credit_key_idx` ON `customers` (`credit_key`) WHERE "customers"."kind" = 'customer' AND "customers"."credit_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_phone_key_idx` ON `customers` (`phone_key`) WHERE "customers"."kind" = 'customer' AND "customers"."phone_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_owner_idx` ON `customers` (`owner_id`,`kind`);--> statement-breakpoint
CREATE INDEX `customers_name_idx` ON `customers` (`kind`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `customers_last_follow_up_idx` ON `customers` (`kind`,`last_follow_up_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_updated_idx` ON `customers` (`kind`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_created_idx` ON `customers` (`kind`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_industry_idx` ON `customers` (`kind`,`industry`,`id`);--> statement-breakpoint
CREATE INDEX `customers_region_idx` ON `customers` (`kind`,`region`,`id`);--> statement-breakpoint
CREATE INDEX `customers_level_idx` ON `customers` (`kind`,`level`,`id`);--> statement-breakpoint
CREATE INDEX `customers_status_idx` ON `customers` (`kind`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `opportunity_id` text;--> statement-breakpoint
CREATE INDEX `follow_ups_created_idx` ON `follow_ups` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `follow_ups_author_idx` ON `follow_ups` (`author_id`,`created_at`,`id`);--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model virtual tables).
-- Quick search (electron/main/core/db/localIndex.ts): one contentless FTS5 document per customers row,
-- rowid = the row's rowid, tokens = the bigrams and last characters of the name / short name / phone
-- runs, made by the client core; column `c` for kind customer, `l` for kind lead. Filled by the core at
-- open (meta `local_index`) and on every write of a customers row.
CREATE VIRTUAL TABLE `customer_search` USING fts5(`c`, `l`, tokenize = 'ascii', content = '', contentless_delete = 1);--> statement-breakpoint
-- Protocol 3 brings tables this device has never pulled, and a protocol-2 cursor would only send what
-- changed since: forget it (and any round under way) so the next pull is a full one. The outbox,
-- rejections and conflicts stay: `clear` empties only the synced tables, and pending work is replayed
-- over the full round and pushed as usual.
DELETE FROM `meta` WHERE `key` IN ('cursor', 'pull_round');
