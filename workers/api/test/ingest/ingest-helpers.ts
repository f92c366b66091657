import { env } from "cloudflare:workers";
import { expect } from "vitest";

/** Waits until the ingest worker (running beside the api in these tests) has applied the rows. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) {
      expect.fail(`timed out waiting; last value ${JSON.stringify(v)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export type Catalog = {
  tenant_id: string;
  data_version: string;
  schema_version: string;
  partitions: {
    date: string;
    path: string;
    row_count: number;
    file_size_mb: number;
    size_bytes: number;
    files: { key: string; row_count: number; size_bytes: number }[];
  }[];
};

export async function readCatalog(tenantId: string): Promise<Catalog | undefined> {
  const obj = await env.DATA.get(`tenants/${tenantId}/catalog.json`);
  return obj ? ((await obj.json()) as Catalog) : undefined;
}

export const catalogRows = (c: Catalog | undefined) => (c?.partitions ?? []).reduce((n, p) => n + p.row_count, 0);

/** Every Parquet object under the tenant's training data, with its real size. */
export async function listParts(tenantId: string) {
  const listed = await env.DATA.list({ prefix: `tenants/${tenantId}/training_data/`, include: ["customMetadata"] });
  return listed.objects.map((o) => ({ key: o.key, size: o.size, rows: Number(o.customMetadata?.row_count) }));
}

export function event(i: number, extra: Record<string, unknown> = {}) {
  return {
    user_id: `user_${i % 7}`,
    item_id: `item_${i % 11}`,
    interaction_type: "click",
    timestamp: "2026-11-20T10:00:00Z",
    ...extra,
  };
}
