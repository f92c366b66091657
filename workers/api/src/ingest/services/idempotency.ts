import { and, eq } from "drizzle-orm";
import { sha256Hex } from "@edge-ml/core/auth";
import { idempotencyKeys } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import { IDEMPOTENCY_TTL_MS } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;

export type StoredResponse = { status: number; body: unknown };

/**
 * `Idempotency-Key`: the first request with a key runs and its response is stored; a later
 * one with the same key and body gets the stored response; the same key with another body
 * is a 409. A request that was interrupted before its response was stored runs again,
 * which is safe because its queue batch ids derive from the key. The response of a request
 * that accepted rows is stored in the same D1 batch as its intake (`storedResponse`), so a
 * stored response always means its batches are durable; the replay then sends again those
 * not complete (ingest-queue.ts, `resendForReplay`).
 */
export async function beginIdempotent(
  db: Db,
  tenantId: string,
  key: string,
  route: string,
  rawBody: string,
): Promise<StoredResponse | undefined> {
  if (!KEY.test(key)) {
    throw errors.validation("Idempotency-Key must be 1-255 characters of letters, digits, . _ : -", "Idempotency-Key");
  }
  const bodyHash = await sha256Hex(rawBody);
  const now = Date.now();
  const existing = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)))
    .get();
  if (existing && now - Date.parse(existing.createdAt) < IDEMPOTENCY_TTL_MS) {
    if (existing.route !== route || existing.bodyHash !== bodyHash) {
      throw errors.conflict("Idempotency-Key was already used with a different request", "Idempotency-Key");
    }
    if (existing.status !== null && existing.response !== null) {
      return { status: existing.status, body: JSON.parse(existing.response) };
    }
    return undefined;
  }
  await db
    .insert(idempotencyKeys)
    .values({ tenantId, key, route, bodyHash, createdAt: new Date(now).toISOString() })
    .onConflictDoUpdate({
      target: [idempotencyKeys.tenantId, idempotencyKeys.key],
      set: { route, bodyHash, status: null, response: null, createdAt: new Date(now).toISOString() },
    });
  return undefined;
}

export async function completeIdempotent(
  db: Db,
  tenantId: string,
  key: string,
  response: StoredResponse,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status: response.status, response: JSON.stringify(response.body) })
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
}

/** completeIdempotent as a statement, for the D1 batch that also writes the request's intake. */
export function storedResponse(d1: D1Database, tenantId: string, key: string, response: StoredResponse) {
  return d1
    .prepare("UPDATE idempotency_keys SET status = ?, response = ? WHERE tenant_id = ? AND key = ?")
    .bind(response.status, JSON.stringify(response.body), tenantId, key);
}
