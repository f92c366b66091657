import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { z } from "zod";
import type { BulkResult } from "@edge-ml/core/schemas";
import { TEXT_INDEX } from "@edge-ml/core/vector/indexes";
import { LocalVectorIndex } from "../../../shared/vector/local-index";
import { call, seedTenant, type SeededTenant } from "../helpers";
import { count, waitFor } from "../ingest/ingest-helpers";

let client = 0;

/** A client IP of its own per call site, so the per-IP limits of one test never hit another. */
export function clientIp(): string {
  client++;
  return `198.51.${Math.floor(client / 250) % 250}.${(client % 250) + 1}`;
}

/** GET with the tenant's admin key from a fresh client IP; returns status and parsed body. */
export async function get<T>(token: string, path: string): Promise<{ status: number; body: T }> {
  const res = await call(path, { token, headers: { "cf-connecting-ip": clientIp() } });
  return { status: res.status, body: (await res.json()) as T };
}

export async function post<T>(token: string, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await call(path, { method: "POST", token, body, headers: { "cf-connecting-ip": clientIp() } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Waits until the ingest worker has embedded `n` items of the tenant. */
export async function waitForVectors(tenantId: string, n: number): Promise<void> {
  const index = new LocalVectorIndex(env.VECTOR_INDEX, tenantId, TEXT_INDEX);
  await waitFor(
    async () => (await index.describe()).vectorCount,
    (c) => c >= n,
    30_000,
  );
}

export async function waitForEvents(tenantId: string, n: number, userId?: string): Promise<void> {
  await waitFor(
    () =>
      userId === undefined
        ? count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", tenantId)
        : count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ? AND user_id = ?", tenantId, userId),
    (c) => c >= n,
    30_000,
  );
}

/** A tenant holding the sample catalogue (data/catalog) and the synthetic shoppers' events. */
export async function sampleTenant(label: string): Promise<SeededTenant> {
  const t = await seedTenant(label);
  const { items, events } = env.TEST_SAMPLE_DATA;
  const up = await post<z.infer<typeof BulkResult>>(t.adminKey, "/internal/data/items", {
    tenant_id: t.tenantId,
    items,
  });
  expect(up.body.accepted).toBe(items.length);
  const ev = await post<z.infer<typeof BulkResult>>(t.adminKey, "/internal/data/interactions", {
    tenant_id: t.tenantId,
    interactions: events,
  });
  expect(ev.body.accepted).toBe(events.length);
  await Promise.all([waitForVectors(t.tenantId, items.length), waitForEvents(t.tenantId, events.length)]);
  return t;
}

/** Sends events for one user and waits until serving can see them. */
export async function act(
  t: SeededTenant,
  userId: string,
  events: { item_id: string; interaction_type: string }[],
): Promise<void> {
  const before = await count(
    "SELECT count(*) AS n FROM user_history WHERE tenant_id = ? AND user_id = ?",
    t.tenantId,
    userId,
  );
  const now = Date.now();
  const res = await post<z.infer<typeof BulkResult>>(t.adminKey, "/internal/data/interactions", {
    tenant_id: t.tenantId,
    interactions: events.map((e, i) => ({
      user_id: userId,
      ...e,
      timestamp: new Date(now - (events.length - i) * 1000).toISOString(),
    })),
  });
  expect(res.body.accepted).toBe(events.length);
  await waitForEvents(t.tenantId, before + events.length, userId);
}
