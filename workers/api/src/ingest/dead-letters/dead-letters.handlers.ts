import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq, sql } from "drizzle-orm";
import { deadLetters } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import { revivedStatement, sweepAfterMs } from "@edge-ml/core/ingest/intake";
import type { IngestQueueMessage } from "@edge-ml/core/ingest/rows";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import type * as routes from "./dead-letters.routes";

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const { limit, offset } = c.req.valid("query");
  const db = getDb(c.env.DB);
  const mine = eq(deadLetters.tenantId, c.get("principal").tenantId);
  const [rows, total] = await Promise.all([
    db.select().from(deadLetters).where(mine).orderBy(desc(deadLetters.receivedAt)).limit(limit).offset(offset).all(),
    db
      .select({ n: sql<number>`count(*)` })
      .from(deadLetters)
      .where(mine)
      .get(),
  ]);
  const view = rows.map((r) => ({
    id: r.id,
    queue: r.queue,
    attempts: r.attempts,
    received_at: r.receivedAt,
    replayed_at: r.replayedAt,
    body: r.body,
  }));
  return c.json({ dead_letters: view, total: total?.n ?? 0, limit, offset }, 200);
};

export const replay: RouteHandler<typeof routes.replay, AppEnv> = async (c) => {
  const db = getDb(c.env.DB);
  const where = and(eq(deadLetters.id, c.req.valid("param").id), eq(deadLetters.tenantId, c.get("principal").tenantId));
  const row = await db.select().from(deadLetters).where(where).get();
  if (!row) throw errors.notFound("Dead letter");
  try {
    await c.env.INGEST_QUEUE.send(row.body as IngestQueueMessage, { contentType: "json" });
  } catch {
    throw new ApiError("unavailable", "The ingest queue did not take the message; retry", {}, { "Retry-After": "1" });
  }
  const now = Date.now();
  const replayedAt = new Date(now).toISOString();
  await db.update(deadLetters).set({ replayedAt }).where(where);
  // Its batch is the sweeper's to watch again (durable intake), in case this send is lost too.
  const batchId = (row.body as { batch_id?: unknown } | null)?.batch_id;
  if (typeof batchId === "string") {
    await revivedStatement(c.env.DB, batchId, now, sweepAfterMs(c.env.INTAKE_SWEEP_AFTER_SECONDS)).run();
  }
  return c.json({ id: row.id, status: "replayed" as const, replayed_at: replayedAt }, 202);
};
