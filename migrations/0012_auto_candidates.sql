ALTER TABLE `training_jobs` ADD `parent_job_id` text;--> statement-breakpoint
ALTER TABLE `training_jobs` ADD `tuning` text;--> statement-breakpoint
CREATE INDEX `training_jobs_parent_idx` ON `training_jobs` (`parent_job_id`);