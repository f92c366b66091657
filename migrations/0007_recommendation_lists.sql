CREATE TABLE `recommendation_lists` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`list_key` text NOT NULL,
	`history_stamp` text NOT NULL,
	`items` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
