CREATE TABLE `notices` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`customer_id` text NOT NULL,
	`customer_name` text NOT NULL,
	`customer_kind` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text,
	`actor_type` text,
	`created_at` integer NOT NULL,
	`dismissed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notices_key_idx` ON `notices` (`key`);--> statement-breakpoint
CREATE INDEX `notices_open_idx` ON `notices` (`dismissed_at`,`at`);--> statement-breakpoint
CREATE TABLE `pools` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`team_ids` text NOT NULL,
	`admin_ids` text NOT NULL,
	`is_default` integer NOT NULL,
	`active` integer NOT NULL,
	`recycle` text NOT NULL,
	`claim` text NOT NULL,
	`assign` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `customers` ADD `pool_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `locked` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `entered_pool_at` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `previous_owner_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `deregistered_at` integer;--> statement-breakpoint
CREATE INDEX `customers_public_idx` ON `customers` (`kind`,`id`) WHERE "customers"."pool_state" = 'public';--> statement-breakpoint
ALTER TABLE `ownership_events` ADD `action` text;--> statement-breakpoint
ALTER TABLE `ownership_events` ADD `pool_id` text;--> statement-breakpoint
-- Hand-written below (drizzle-kit splits an index on an expression wrongly).
-- The recycle countdown's prefilter (electron/main/core/db/recycle.ts): an owner's customers by the later
-- of claim and last follow-up, what the `noFollowUp` rule counts from, so Today reads only the customers
-- near their due time instead of the whole private sea. Queries must spell the expression exactly so.
CREATE INDEX `customers_recycle_anchor_idx` ON `customers` (`owner_id`, max(ifnull(`claimed_at`, 0), ifnull(`last_follow_up_at`, 0)));--> statement-breakpoint
-- Protocol 5 brings a table this device has never pulled (pools) and columns it never stored (the pool
-- columns of customers and ownership history): forget the cursor and any round under way so the next
-- pull is a full one. The outbox, rejections and conflicts stay: `clear` empties only the synced tables,
-- and pending work is replayed over the full round and pushed as usual.
DELETE FROM `meta` WHERE `key` IN ('cursor', 'pull_round');
