CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`variant_order` text NOT NULL,
	`variants` text NOT NULL,
	`control` text NOT NULL,
	`traffic_split` text NOT NULL,
	`split_history` text NOT NULL,
	`metrics` text NOT NULL,
	`surfaces` text NOT NULL,
	`namespace` text NOT NULL,
	`range_start` real NOT NULL,
	`range_end` real NOT NULL,
	`seed` text NOT NULL,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiments_tenant_idx` ON `experiments` (`tenant_id`,`status`,`namespace`);--> statement-breakpoint
CREATE TABLE `shadow_challengers` (
	`tenant_id` text NOT NULL,
	`surface` text NOT NULL,
	`model_version` text NOT NULL,
	`sample_rate` real NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shadow_challengers_tenant_idx` ON `shadow_challengers` (`tenant_id`,`surface`);--> statement-breakpoint
CREATE TABLE `shadow_comparisons` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`surface` text NOT NULL,
	`mode` text NOT NULL,
	`model_version` text NOT NULL,
	`production_version` text NOT NULL,
	`k` integer NOT NULL,
	`production_ms` real NOT NULL,
	`candidate_ms` real NOT NULL,
	`error` text,
	`overlap_at_k` real,
	`rbo` real,
	`score_shift` real,
	`top_differs` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shadow_comparisons_tenant_idx` ON `shadow_comparisons` (`tenant_id`,`model_version`,`created_at`);