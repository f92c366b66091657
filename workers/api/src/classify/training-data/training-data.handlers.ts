import type { RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { labelSetOf } from "../services/labels";
import { parseRows, storeUpload, validateRows } from "../services/labelled-uploads";
import type * as routes from "./training-data.routes";

const ACCEPTED = /^application\/(json|x-ndjson|jsonl|x-jsonlines|json-seq)\b/i;

export const upload: RouteHandler<typeof routes.upload, AppEnv> = async (c) => {
  const contentType = c.req.header("content-type") ?? "";
  if (!ACCEPTED.test(contentType)) {
    throw new ApiError("unsupported_media_type", "Content-Type must be application/json or application/x-ndjson");
  }
  const tenantId = c.get("principal").tenantId;
  const db = getDb(c.env.DB);
  const raw = parseRows(await c.req.text(), contentType);
  const { rows, errors } = validateRows(raw, await labelSetOf(db, tenantId));
  const stored = rows.length ? await storeUpload(c.env, db, tenantId, rows) : null;
  return c.json(
    {
      upload_id: stored?.id ?? "",
      accepted: rows.length,
      rejected: errors.length,
      validation_errors: errors,
      stored: stored?.stored ?? false,
      key: stored?.key ?? null,
      correlation_id: c.get("correlationId"),
    },
    201,
  );
};
