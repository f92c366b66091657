-- Full-text index over the catalogue for keyword search (BM25 via bm25()). External
-- content: the text lives once, in items; triggers keep the index in step. Written by hand
-- because drizzle-kit has no FTS5.
CREATE VIRTUAL TABLE `items_fts` USING fts5(
	`title`, `description`, `category`, `tags`,
	content='items', content_rowid='rowid', tokenize='porter unicode61'
);
--> statement-breakpoint
CREATE TRIGGER `items_fts_ai` AFTER INSERT ON `items` BEGIN
	INSERT INTO items_fts(rowid, title, description, category, tags)
	VALUES (new.rowid, new.title, new.description, coalesce(new.category, ''), new.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_ad` AFTER DELETE ON `items` BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, description, category, tags)
	VALUES ('delete', old.rowid, old.title, old.description, coalesce(old.category, ''), old.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_au` AFTER UPDATE ON `items` BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, description, category, tags)
	VALUES ('delete', old.rowid, old.title, old.description, coalesce(old.category, ''), old.tags);
	INSERT INTO items_fts(rowid, title, description, category, tags)
	VALUES (new.rowid, new.title, new.description, coalesce(new.category, ''), new.tags);
END;
