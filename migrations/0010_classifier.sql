CREATE TABLE `classifier_labels` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`labels` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`version` text NOT NULL,
	`status` text NOT NULL,
	`dataset` text NOT NULL,
	`metrics` text DEFAULT '{}' NOT NULL,
	`confusion_key` text,
	`error` text,
	`created_at` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `evaluations_tenant_idx` ON `evaluations` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`prediction_id` text NOT NULL,
	`feedback_type` text NOT NULL,
	`predicted_category` text NOT NULL,
	`correct_category` text,
	`user_id` text,
	`comment` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`prediction_id`) REFERENCES `predictions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `feedback_tenant_idx` ON `feedback` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `feedback_prediction_idx` ON `feedback` (`prediction_id`);--> statement-breakpoint
CREATE TABLE `labelled_uploads` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`r2_key` text NOT NULL,
	`row_count` integer NOT NULL,
	`size_bytes` integer NOT NULL,
	`category_counts` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `labelled_uploads_tenant_idx` ON `labelled_uploads` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `predictions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`model_version` text NOT NULL,
	`headline` text NOT NULL,
	`short_description` text,
	`request_id` text,
	`batch_id` text,
	`category` text NOT NULL,
	`confidence` real NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `predictions_tenant_idx` ON `predictions` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `retrain_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`training_job_id` text,
	`candidate_version` text,
	`production_version` text,
	`evaluation_id` text,
	`reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `retrain_runs_tenant_idx` ON `retrain_runs` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `retrain_runs_job_idx` ON `retrain_runs` (`training_job_id`);--> statement-breakpoint
ALTER TABLE `training_jobs` ADD `inputs` text;