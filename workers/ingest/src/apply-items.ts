import type { IngestMessage } from "@edge-ml/core/ingest/rows";
import { vectorIdFor } from "@edge-ml/core/vector/indexes";
import { textSpace } from "../../shared/text-space";
import { applyOnce, markPartsDone, partsDone } from "./apply-once";
import { itemText } from "@edge-ml/core/text/item-text";

type Batch = Extract<IngestMessage, { kind: "items" }>;

/**
 * Upserts a message of items. An update only lands when it was accepted later than what is
 * stored (`accepted_at`), so a late redelivery never rolls an item back. The FTS index
 * follows through triggers. The batch is complete once its vectors are upserted too; a
 * delivery after that does nothing.
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
  const fresh = await applyOnce(env, msg, [upsert]);
  if (!fresh && (await partsDone(env, msg.batch_id))) return;
  await embedItems(
    env,
    msg.tenant_id,
    msg.rows.map((r) => r.id),
  );
  await markPartsDone(env, msg.batch_id);
}

type StoredItem = { item_id: string; title: string; description: string; category: string | null; tags: string };

/**
 * Text vectors of the items as D1 now holds them (not as the message carried them, so a
 * late redelivery cannot put an older text's vector back), upserted into the tenant's text
 * index. Safe to repeat: upserts by id, and the encoder counts each item once.
 */
export async function embedItems(env: IngestEnv, tenantId: string, ids: string[]): Promise<void> {
  const { results } = await env.DB.prepare(
    `SELECT item_id, title, description, category, tags FROM items
     WHERE tenant_id = ?1 AND item_id IN (SELECT value FROM json_each(?2))`,
  )
    .bind(tenantId, JSON.stringify(ids))
    .all<StoredItem>();
  if (results.length === 0) return;
  const { encoder, index } = textSpace(env, tenantId);
  const vectors = await encoder.embedDocuments(
    results.map((r) => ({ id: r.item_id, text: itemText({ ...r, tags: JSON.parse(r.tags) as string[] }) })),
  );
  const records = await Promise.all(
    results.map(async (r, i) => ({
      id: await vectorIdFor(r.item_id),
      values: vectors[i]!,
      metadata: { item_id: r.item_id, ...(r.category ? { category: r.category } : {}) },
    })),
  );
  for (let i = 0; i < records.length; i += 1000) await index.upsert(records.slice(i, i + 1000));
}
