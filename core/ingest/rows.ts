import { InteractionInput, ItemInput } from "../schemas/ingest";
import type { InteractionTypeName } from "./labels";

/** One accepted event as it travels through the queue (short keys: many per 128 KB message). */
export type QueuedInteraction = {
  id: string;
  u: string;
  i: string;
  t: InteractionTypeName;
  ts: number;
  ctx?: Record<string, unknown>;
  md?: Record<string, unknown>;
};

/** One accepted item; `acc` orders updates of one item (later wins, also across messages). */
export type QueuedItem = {
  id: string;
  title: string;
  description: string;
  category: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  created_at: string;
  acc: number;
};

export type IngestMessage =
  | { v: 1; kind: "interactions"; tenant_id: string; batch_id: string; rows: QueuedInteraction[] }
  | { v: 1; kind: "items"; tenant_id: string; batch_id: string; rows: QueuedItem[] };

/**
 * What `edge-ml-ingest` carries since durable intake (docs/decisions.md, "Durable intake"):
 * only the name of a batch whose rows are in D1 (`intake_batches`), so no message nears the
 * queue's 128 KB limit and a lost message can be sent again from the record. The consumer
 * still takes `IngestMessage` (v1, rows inline) from older dead letters.
 */
export type IngestRef = { v: 2; kind: "items" | "interactions"; tenant_id: string; batch_id: string };

export type IngestQueueMessage = IngestMessage | IngestRef;

export type RowError = { index: number; item_id?: string; user_id?: string; field?: string; error: string };

function rowError(index: number, row: unknown, issues: { path: PropertyKey[]; message: string }[]): RowError {
  const first = issues[0]!;
  const r = (row && typeof row === "object" ? row : {}) as Record<string, unknown>;
  const field = first.path.map(String).join(".") || undefined;
  return {
    index,
    ...(typeof r.item_id === "string" ? { item_id: r.item_id } : {}),
    ...(typeof r.user_id === "string" ? { user_id: r.user_id } : {}),
    ...(field ? { field } : {}),
    error: first.message,
  };
}

/** Validates each row on its own: good rows are accepted even when others fail. */
export function validateInteractions(
  rows: unknown[],
  nowMs: number,
  newId: () => string,
): { accepted: QueuedInteraction[]; errors: RowError[] } {
  const accepted: QueuedInteraction[] = [];
  const errors: RowError[] = [];
  rows.forEach((row, index) => {
    const parsed = InteractionInput.safeParse(row);
    if (!parsed.success) return void errors.push(rowError(index, row, parsed.error.issues));
    const e = parsed.data;
    accepted.push({
      id: newId(),
      u: e.user_id,
      i: e.item_id,
      t: e.interaction_type,
      ts: e.timestamp ? Date.parse(e.timestamp) : nowMs,
      ...(e.context ? { ctx: e.context } : {}),
      ...(e.metadata ? { md: e.metadata } : {}),
    });
  });
  return { accepted, errors };
}

/**
 * Validates items; within one request a repeated item_id is applied in order, so the last
 * occurrence wins (the earlier ones count as accepted and are superseded, as if sent first).
 */
export function validateItems(
  rows: unknown[],
  nowMs: number,
): { accepted: QueuedItem[]; count: number; errors: RowError[] } {
  const byId = new Map<string, QueuedItem>();
  const errors: RowError[] = [];
  let count = 0;
  const iso = new Date(nowMs).toISOString();
  rows.forEach((row, index) => {
    const parsed = ItemInput.safeParse(row);
    if (!parsed.success) return void errors.push(rowError(index, row, parsed.error.issues));
    const it = parsed.data;
    count++;
    byId.delete(it.item_id);
    byId.set(it.item_id, {
      id: it.item_id,
      title: it.title,
      description: it.description ?? "",
      category: it.category ?? null,
      tags: it.tags ?? [],
      metadata: it.metadata ?? {},
      created_at: it.created_at ? new Date(it.created_at).toISOString() : iso,
      // Microsecond-scaled arrival order: later requests, and later rows of one request, win.
      acc: nowMs * 1000 + index,
    });
  });
  return { accepted: [...byId.values()], count, errors };
}

/**
 * One batch's rows, packed greedily under `maxBytes` of JSON: one D1 value in intake_batches
 * and one unit of the consumer's work (its message is only a reference, far under the
 * queue's 128 KB; the bound dates from when rows travelled inline).
 */
export const MAX_MESSAGE_BYTES = 120 * 1024;

export function packRows<T>(rows: T[], maxBytes = MAX_MESSAGE_BYTES): T[][] {
  const packs: T[][] = [];
  let current: T[] = [];
  let size = 256; // envelope: kind, tenant, batch id
  for (const row of rows) {
    const n = new TextEncoder().encode(JSON.stringify(row)).length + 1;
    if (current.length > 0 && size + n > maxBytes) {
      packs.push(current);
      current = [];
      size = 256;
    }
    current.push(row);
    size += n;
  }
  if (current.length > 0) packs.push(current);
  return packs;
}
