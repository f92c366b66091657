import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { validateInteractions, validateItems, type QueuedInteraction, type RowError } from "@edge-ml/core/ingest/rows";
import { ApiError, errors } from "@edge-ml/core/errors";
import { MAX_BULK_ROWS } from "@edge-ml/core/schemas";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { beginIdempotent, completeIdempotent, storedResponse } from "../services/idempotency";
import { acceptBatches, derivedId, planBatches, resendForReplay } from "../services/ingest-queue";
import { attributeInteractions } from "../../experiments/services/attribution";
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
 * per-row validation, durable intake and queueing (docs/decisions.md, "Durable intake"),
 * metering.
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
      await resendForReplay(c.env, p.tenantId, key, c.get("logger"));
      c.header("Idempotency-Replayed", "true");
      return c.json(replay.body as object, replay.status as 202);
    }
  }

  const now = Date.now();
  const newId = await idFactory(p.tenantId, key);
  let accepted: Parameters<typeof planBatches>[2];
  let outcome: Outcome;
  if (kind === "items") {
    const v = validateItems(rows, now);
    accepted = v.accepted;
    outcome = { status: 202, body: shape(v.count, v.errors, []) };
  } else {
    let i = 0;
    const v = validateInteractions(rows, now, () => newId(i++));
    accepted = v.accepted;
    outcome = {
      status: 202,
      body: shape(
        v.accepted.length,
        v.errors,
        v.accepted.map((r) => r.id),
      ),
    };
  }
  if (accepted.length && !dryRun) {
    // The stored response goes in the intake's own D1 batch: either both are written or neither.
    const also = key !== undefined ? [storedResponse(c.env.DB, p.tenantId, key, outcome)] : [];
    const batches = await planBatches(p.tenantId, kind, accepted, key);
    try {
      await acceptBatches(c.env, batches, key, also, c.get("logger"));
    } catch (e) {
      // Nothing was written (one D1 batch): the request may be retried as it is.
      c.get("logger").error("Intake failed", { error: String(e), kind, rows: accepted.length });
      throw new ApiError(
        "unavailable",
        "The rows could not be stored; retry the request (with the same Idempotency-Key to avoid duplicates)",
        {},
        { "Retry-After": "1" },
      );
    }
    if (kind === "items") c.set("usage", { itemsIndexed: accepted.length });
    else attributeLater(c, accepted as QueuedInteraction[]);
  } else if (key !== undefined) await completeIdempotent(db, p.tenantId, key, outcome);
  return c.json(outcome.body, outcome.status);
}

/** Clicks and purchases count for the experiments their users were exposed to, after the response. */
function attributeLater(c: Context<AppEnv>, rows: QueuedInteraction[]): void {
  const logger = c.get("logger");
  c.executionCtx.waitUntil(
    attributeInteractions(c.env, c.get("principal").tenantId, rows).catch((e) =>
      logger.warn("Experiment attribution failed", { error: String(e), rows: rows.length }),
    ),
  );
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
