-- user_history loses its key on interaction_id (exactly-once comes from ingest_batches),
-- item_popularity its score index (rewritten on every increment). No table refers to
-- user_history, so it is rebuilt without switching foreign keys off.
DROP INDEX `item_popularity_rank_idx`;--> statement-breakpoint
CREATE TABLE `__new_user_history` (
	`tenant_id` text NOT NULL,
	`interaction_id` text NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text NOT NULL,
	`interaction_type` text NOT NULL,
	`ts` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_user_history`("tenant_id", "interaction_id", "user_id", "item_id", "interaction_type", "ts") SELECT "tenant_id", "interaction_id", "user_id", "item_id", "interaction_type", "ts" FROM `user_history`;--> statement-breakpoint
DROP TABLE `user_history`;--> statement-breakpoint
ALTER TABLE `__new_user_history` RENAME TO `user_history`;--> statement-breakpoint
CREATE INDEX `user_history_user_idx` ON `user_history` (`tenant_id`,`user_id`,`ts`);