CREATE TABLE `intake_batches` (
	`batch_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`rows` integer NOT NULL,
	`payload` text,
	`idempotency_key` text,
	`accepted_at` text NOT NULL,
	`due_at` integer NOT NULL,
	`enqueues` integer DEFAULT 1 NOT NULL,
	`completed_at` text,
	`dead_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `intake_batches_due_idx` ON `intake_batches` (`due_at`) WHERE completed_at IS NULL AND dead_at IS NULL;--> statement-breakpoint
CREATE INDEX `intake_batches_key_idx` ON `intake_batches` (`tenant_id`,`idempotency_key`);