CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` text NOT NULL,
	`replayed_at` text
);
--> statement-breakpoint
CREATE INDEX `dead_letters_tenant_idx` ON `dead_letters` (`tenant_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`route` text NOT NULL,
	`body_hash` text NOT NULL,
	`status` integer,
	`response` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `ingest_batches` (
	`batch_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`rows` integer NOT NULL,
	`applied_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `item_popularity` (
	`tenant_id` text NOT NULL,
	`item_id` text NOT NULL,
	`score` real DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`last_event_at` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `item_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_popularity_rank_idx` ON `item_popularity` (`tenant_id`,`score`);--> statement-breakpoint
CREATE TABLE `items` (
	`tenant_id` text NOT NULL,
	`item_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`accepted_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `item_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `items_tenant_category_idx` ON `items` (`tenant_id`,`category`);--> statement-breakpoint
CREATE TABLE `user_history` (
	`tenant_id` text NOT NULL,
	`interaction_id` text NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text NOT NULL,
	`interaction_type` text NOT NULL,
	`ts` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `interaction_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_history_user_idx` ON `user_history` (`tenant_id`,`user_id`,`ts`);