CREATE TABLE `user_items` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text NOT NULL,
	`positive` real DEFAULT 0 NOT NULL,
	`last_ts` integer NOT NULL,
	`latest_is_dislike` integer DEFAULT 0 NOT NULL,
	`types` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`, `item_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `model_versions` ADD `tuning` text;--> statement-breakpoint
ALTER TABLE `training_jobs` ADD `warnings` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- Hand-written: pairs of the serving history that existed before user_items (the newest 50
-- events per user; older events are in the Parquet training data only). Labels, type bits
-- (core/recommend/consumed.ts) and the merge rule as core/ml/interactions.ts defines them.
INSERT INTO `user_items` (`tenant_id`, `user_id`, `item_id`, `positive`, `last_ts`, `latest_is_dislike`, `types`)
SELECT `tenant_id`, `user_id`, `item_id`,
  sum(CASE `interaction_type` WHEN 'purchase' THEN 1.0 WHEN 'add_to_cart' THEN 0.8 WHEN 'like' THEN 0.7
    WHEN 'click' THEN 0.5 WHEN 'view' THEN 0.2 WHEN 'remove_from_cart' THEN 0.1 ELSE 0 END),
  max(`ts` / 1000), 0,
  sum(DISTINCT CASE `interaction_type` WHEN 'view' THEN 1 WHEN 'click' THEN 2 WHEN 'purchase' THEN 4
    WHEN 'like' THEN 8 WHEN 'dislike' THEN 16 WHEN 'add_to_cart' THEN 32 WHEN 'remove_from_cart' THEN 64 ELSE 0 END)
FROM `user_history` GROUP BY `tenant_id`, `user_id`, `item_id`;
--> statement-breakpoint
UPDATE `user_items` SET `latest_is_dislike` = 1 WHERE EXISTS (
  SELECT 1 FROM `user_history` h WHERE h.`tenant_id` = `user_items`.`tenant_id` AND h.`user_id` = `user_items`.`user_id`
    AND h.`item_id` = `user_items`.`item_id` AND h.`interaction_type` = 'dislike' AND h.`ts` / 1000 = `user_items`.`last_ts`);
