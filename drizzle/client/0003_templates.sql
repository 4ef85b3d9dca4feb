CREATE TABLE `catalogs` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`option_lists` text NOT NULL,
	`fields` text NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `template_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`template_id` text NOT NULL,
	`entity` text NOT NULL,
	`category` text,
	`number` integer NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`sections` text NOT NULL,
	`fields` text NOT NULL,
	`published_at` integer NOT NULL,
	`published_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `attrs` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `template_version_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `template_version_id` text;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `attrs` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `template_version_id` text;--> statement-breakpoint
ALTER TABLE `opportunities` ADD `attrs` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `opportunities` ADD `template_version_id` text;--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model WITHOUT ROWID tables).
-- The attribute index of the customers table (electron/main/core/db/attrIndex.ts): one entry per
-- (indexed template field, customers row, value). `field` = the field's id in meta attr_index_fields (the
-- catalog's searchable and unique fields), `kind` 0 customer / 1 lead, `v` typed and ordered as the
-- customer list's filters compare (no affinity: numbers stay numbers, strings and booleans are tagged
-- BLOBs), `customer` = the customers row's rowid, `role` and `lc` as the module says.
CREATE TABLE `customer_attr_index` (
	`field` integer NOT NULL,
	`kind` integer NOT NULL,
	`v` blob NOT NULL,
	`customer` integer NOT NULL,
	`role` integer NOT NULL,
	`lc` text,
	PRIMARY KEY (`field`, `kind`, `v`, `customer`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Protocol 4 brings tables this device has never pulled (catalogs, template versions) and columns it
-- never stored (attrs of contacts, follow-ups, opportunities): forget the cursor and any round under way
-- so the next pull is a full one. The outbox, rejections and conflicts stay: `clear` empties only the
-- synced tables, and pending work is replayed over the full round and pushed as usual.
DELETE FROM `meta` WHERE `key` IN ('cursor', 'pull_round');
