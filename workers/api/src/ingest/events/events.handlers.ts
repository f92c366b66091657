import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { validateInteractions, validateItems, type RowError } from "@edge-ml/core/ingest/rows";
import { ApiError, errors } from "@edge-ml/core/errors";
import { MAX_BULK_ROWS } from "@edge-ml/core/schemas";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { beginIdempotent, completeIdempotent } from "../services/idempotency";
import { derivedId, enqueueRows } from "../services/ingest-queue";
import type * as routes from "./events.routes";

type Kind = "items" | "interactions";
type Outcome = { status: 202; body: Record<string, unknown> };

/** Row ids: random, or derived from the Idempotency-Key so a retry reproduces them. */
async function idFactory(tenantId: string, key: string | undefined): Promise<(i: number) => string> {
  if (!key) return () => crypto.randomUUID();
  const base = (await derivedId(tenantId, key, "rows")).slice(0, 24);
  return (i) => base + i.toString(16).padStart(12, "0");
}

/**
 * The shared path of every ingestion route: tenancy check, row limit, idempotent replay,
 * per-row validation, queueing, metering.
 */
async function ingest(
  c: Context<AppEnv>,
  kind: Kind,
  rows: unknown[],
  bodyTenantId: string | undefined,
  shape: (accepted: number, errors: RowError[], ids: string[]) => Record<string, unknown>,
): Promise<Response> {
  const p = c.get("principal");
  if (bodyTenantId !== undefined && bodyTenantId !== p.tenantId) {
    throw new ApiError("forbidden", "tenant_id does not match the credential's tenant", { field: "tenant_id" });
  }
  if (rows.length > MAX_BULK_ROWS) {
    throw new ApiError("payload_too_large", `At most ${MAX_BULK_ROWS} rows per request; split the upload`, {
      field: kind,
      max_rows: MAX_BULK_ROWS,
      rows: rows.length,
    });
  }
  const db = getDb(c.env.DB);
  const dryRun = c.req.query("dry_run") === "true";
  const key = dryRun ? undefined : c.req.header("idempotency-key");
  if (key !== undefined) {
    const replay = await beginIdempotent(db, p.tenantId, key, c.req.path, JSON.stringify(await c.req.json()));
    if (replay) {
      c.header("Idempotency-Replayed", "true");
      return c.json(replay.body as object, replay.status as 202);
    }
  }

  const now = Date.now();
  const newId = await idFactory(p.tenantId, key);
  let queued: { count: number; ids: string[]; errors: RowError[] };
  if (kind === "items") {
    const v = validateItems(rows, now);
    queued = { count: v.count, ids: [], errors: v.errors };
    if (v.accepted.length && !dryRun) {
      await send(c, kind, v.accepted, key);
      c.set("usage", { itemsIndexed: v.accepted.length });
    }
  } else {
    let i = 0;
    const v = validateInteractions(rows, now, () => newId(i++));
    queued = { count: v.accepted.length, ids: v.accepted.map((r) => r.id), errors: v.errors };
    if (v.accepted.length && !dryRun) await send(c, kind, v.accepted, key);
  }
  const outcome: Outcome = { status: 202, body: shape(queued.count, queued.errors, queued.ids) };
  if (key !== undefined) await completeIdempotent(db, p.tenantId, key, outcome);
  return c.json(outcome.body, outcome.status);
}

async function send(c: Context<AppEnv>, kind: Kind, rows: Parameters<typeof enqueueRows>[3], key?: string) {
  try {
    await enqueueRows(c.env.INGEST_QUEUE, c.get("principal").tenantId, kind, rows, key);
  } catch (e) {
    c.get("logger").error("Enqueue failed", { error: String(e), kind, rows: rows.length });
    throw new ApiError(
      "unavailable",
      "The ingest queue did not take the rows; retry the request (with the same Idempotency-Key to avoid duplicates)",
      {},
      { "Retry-After": "1" },
    );
  }
}

const bulkShape = (accepted: number, errs: RowError[]) => ({
  accepted,
  rejected: errs.length,
  validation_errors: errs,
});

export const postInteraction: RouteHandler<typeof routes.postInteraction, AppEnv> = async (c) => {
  const event = c.req.valid("json");
  return ingest(c, "interactions", [event], undefined, (accepted, errs, ids) => {
    // The route schema already validated the event; a row error here would be a bug.
    if (accepted !== 1) throw errors.validation(errs[0]?.error ?? "Invalid interaction", errs[0]?.field);
    return { status: "accepted", interaction_id: ids[0] };
  }) as never;
};

export const postItems: RouteHandler<typeof routes.postItems, AppEnv> = async (c) =>
  ingest(c, "items", c.req.valid("json").items, undefined, bulkShape) as never;

export const bulkItems: RouteHandler<typeof routes.bulkItems, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  return ingest(c, "items", body.items, body.tenant_id, bulkShape) as never;
};

export const bulkInteractions: RouteHandler<typeof routes.bulkInteractions, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  return ingest(c, "interactions", body.interactions, body.tenant_id, bulkShape) as never;
};
