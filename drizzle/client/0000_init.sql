CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`name` text NOT NULL,
	`title` text,
	`phone` text,
	`email` text,
	`wechat` text,
	`is_primary` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contacts_customer_idx` ON `contacts` (`customer_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`short_name` text,
	`credit_code` text,
	`industry` text,
	`region` text,
	`address` text,
	`phone` text,
	`website` text,
	`source` text,
	`status` text NOT NULL,
	`level` text,
	`owner_id` text,
	`pool_state` text NOT NULL,
	`claimed_at` integer,
	`last_follow_up_at` integer,
	`last_deal_at` integer,
	`attrs` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customers_owner_idx` ON `customers` (`owner_id`);--> statement-breakpoint
CREATE INDEX `customers_name_idx` ON `customers` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `customers_last_follow_up_idx` ON `customers` (`last_follow_up_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_updated_idx` ON `customers` (`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_created_idx` ON `customers` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_industry_idx` ON `customers` (`industry`,`id`);--> statement-breakpoint
CREATE INDEX `customers_region_idx` ON `customers` (`region`,`id`);--> statement-breakpoint
CREATE INDEX `customers_level_idx` ON `customers` (`level`,`id`);--> statement-breakpoint
CREATE INDEX `customers_status_idx` ON `customers` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `follow_ups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`contact_id` text,
	`author_id` text NOT NULL,
	`type` text NOT NULL,
	`content` text NOT NULL,
	`outcome` text,
	`occurred_at` integer NOT NULL,
	`next_follow_up_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `follow_ups_timeline_idx` ON `follow_ups` (`customer_id`,`occurred_at`,`id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`effects` text NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE TABLE `rejections` (
	`mutation_id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`error` text NOT NULL,
	`created_at` integer NOT NULL,
	`rejected_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`team_id` text,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`active` integer NOT NULL,
	`version` integer NOT NULL
);
