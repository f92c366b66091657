CREATE TABLE `model_versions` (
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`version` text NOT NULL,
	`model_type` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`is_production` integer DEFAULT false NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`training_job_id` text,
	`artifact_prefix` text NOT NULL,
	`created_at` text NOT NULL,
	`deployed_at` text,
	PRIMARY KEY(`tenant_id`, `kind`, `version`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_versions_tenant_idx` ON `model_versions` (`tenant_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `model_versions_production_unique` ON `model_versions` (`tenant_id`,`kind`) WHERE is_production = 1;--> statement-breakpoint
CREATE TABLE `training_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`model_type` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`hyperparameters` text NOT NULL,
	`data_range` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`current_epoch` integer DEFAULT 0 NOT NULL,
	`total_epochs` integer NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`history` text DEFAULT '[]' NOT NULL,
	`error` text,
	`callback_secret` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`dispatch_attempts` integer DEFAULT 0 NOT NULL,
	`estimated_duration_minutes` integer NOT NULL,
	`model_version` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`started_at` text,
	`heartbeat_at` text,
	`finished_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `training_jobs_tenant_idx` ON `training_jobs` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `training_jobs_status_idx` ON `training_jobs` (`status`,`heartbeat_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`event` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_tenant_idx` ON `webhook_deliveries` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`secret` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhooks_tenant_idx` ON `webhooks` (`tenant_id`);