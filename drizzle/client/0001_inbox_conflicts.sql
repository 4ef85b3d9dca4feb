CREATE TABLE `conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` integer NOT NULL,
	`name` text NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`field` text NOT NULL,
	`base` text,
	`mine` text,
	`theirs` text,
	`row_label` text,
	`created_at` integer NOT NULL,
	`conflicted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conflicts_mutation_field_idx` ON `conflicts` (`mutation_id`,`field`);--> statement-breakpoint
ALTER TABLE `rejections` ADD `row_label` text;