import type { IngestMessage } from "@edge-ml/core/ingest/rows";
import { applyOnce } from "./apply-once";

type Batch = Extract<IngestMessage, { kind: "items" }>;

/**
 * Upserts a message of items. An update only lands when it was accepted later than what is
 * stored (`accepted_at`), so a late redelivery never rolls an item back. The FTS index
 * follows through triggers.
 */
export async function applyItems(env: IngestEnv, msg: Batch): Promise<void> {
  const rows = msg.rows.map((r) => [
    r.id,
    r.title,
    r.description,
    r.category,
    JSON.stringify(r.tags),
    JSON.stringify(r.metadata),
    r.created_at,
    r.acc,
  ]);
  const now = new Date().toISOString();
  const upsert = env.DB.prepare(
    `INSERT INTO items (tenant_id, item_id, title, description, category, tags, metadata, created_at, updated_at, accepted_at)
     SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, ?3, value ->> 7
     FROM json_each(?2) WHERE true
     ON CONFLICT (tenant_id, item_id) DO UPDATE SET
       title = excluded.title, description = excluded.description, category = excluded.category,
       tags = excluded.tags, metadata = excluded.metadata, updated_at = excluded.updated_at,
       accepted_at = excluded.accepted_at
     WHERE excluded.accepted_at > items.accepted_at`,
  ).bind(msg.tenant_id, JSON.stringify(rows), now);
  await applyOnce(env, msg, [upsert]);
}
