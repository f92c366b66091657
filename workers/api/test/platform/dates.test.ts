import { describe, expect, it } from "vitest";
import { call, seedTenant, type ErrorBody } from "../helpers";

/**
 * Issue 14 item 5: every date the API accepts goes through core/dates/parse.ts, so an
 * impossible calendar day is a 400 (or a rejected row) naming its field, never a date
 * rolled over to another month and never a 500.
 */
const IMPOSSIBLE = [
  "2026-02-30T00:00:00Z",
  "2025-02-29T12:00:00Z",
  "2026-04-31T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-01-01T24:00:00Z",
];

async function validationError(res: Response, field: string) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe("VALIDATION_ERROR");
  expect(body.error.details.field).toBe(field);
}

describe("impossible calendar dates", () => {
  it.each(IMPOSSIBLE)("POST /api/v1/interactions refuses timestamp %s with field 'timestamp'", async (ts) => {
    const t = await seedTenant("date-one");
    const res = await call("/api/v1/interactions", {
      method: "POST",
      token: t.adminKey,
      body: { user_id: "u1", item_id: "i1", interaction_type: "view", timestamp: ts },
    });
    const issues = ((await res.clone().json()) as ErrorBody).error.details.issues as { reason: string }[];
    // One reason, the true one: not also "in the future" or "before 1970" from range checks
    // that would read the impossible date as NaN.
    expect(issues).toEqual([{ field: "timestamp", reason: "timestamp is not a real calendar date and time" }]);
    await validationError(res, "timestamp");
  });

  it("bulk interactions and items reject the row, naming timestamp / created_at", async () => {
    const t = await seedTenant("date-bulk");
    const inter = await call("/internal/data/interactions?dry_run=true", {
      method: "POST",
      token: t.adminKey,
      body: {
        tenant_id: t.tenantId,
        interactions: [
          { user_id: "u1", item_id: "i1", interaction_type: "view", timestamp: "2026-02-30T00:00:00Z" },
          { user_id: "u1", item_id: "i2", interaction_type: "view", timestamp: "2024-02-29T00:00:00Z" },
        ],
      },
    });
    expect(inter.status).toBe(202);
    const ib = (await inter.json()) as { accepted: number; rejected: number; validation_errors: { field?: string }[] };
    expect(ib).toMatchObject({ accepted: 1, rejected: 1 });
    expect(ib.validation_errors[0]!.field).toBe("timestamp");

    const items = await call("/internal/data/items?dry_run=true", {
      method: "POST",
      token: t.adminKey,
      body: { tenant_id: t.tenantId, items: [{ item_id: "it1", title: "T", created_at: "2026-02-30T00:00:00Z" }] },
    });
    expect(items.status).toBe(202);
    const b = (await items.json()) as {
      accepted: number;
      rejected: number;
      validation_errors: { field?: string; error: string }[];
    };
    expect(b).toMatchObject({ accepted: 0, rejected: 1 });
    expect(b.validation_errors[0]!.field).toBe("created_at");
    expect(b.validation_errors[0]!.error).toContain("created_at");
  });

  it.each(["2026-13-01", "2026-02-30", "2026-00-10", "2026-1-1"])(
    "GET /api/v1/usage?start_date=%s answers 400 naming start_date, not 500",
    async (d) => {
      const t = await seedTenant("date-usage");
      await validationError(await call(`/api/v1/usage?start_date=${d}`, { token: t.adminKey }), "start_date");
      await validationError(await call(`/api/v1/usage?end_date=${d}`, { token: t.adminKey }), "end_date");
    },
  );

  it("GET /api/v1/usage still takes a leap day and a full-year period", async () => {
    const t = await seedTenant("date-usage-ok");
    const res = await call("/api/v1/usage?start_date=2024-02-29&end_date=2025-02-28", { token: t.adminKey });
    expect(res.status).toBe(200);
  });

  it.each(["2026-02-30", "2026-02-30T00:00:00Z", "2026-13-01"])(
    "POST /internal/ml/training/trigger refuses data_range.start_date %s",
    async (d) => {
      const t = await seedTenant("date-train");
      const res = await call("/internal/ml/training/trigger", {
        method: "POST",
        token: t.adminKey,
        body: {
          tenant_id: t.tenantId,
          training_config: {
            model_type: "matrix_factorization",
            hyperparameters: { embedding_dim: 16, epochs: 2 },
            data_range: { start_date: d, end_date: "2026-03-31" },
          },
        },
      });
      await validationError(res, "training_config.data_range.start_date");
    },
  );

  it.each(["2099-02-30T00:00:00Z", "2099-06-31T23:59:59+02:00"])(
    "POST /auth/api-keys refuses expires_at %s",
    async (d) => {
      const t = await seedTenant("date-key");
      const res = await call("/auth/api-keys", {
        method: "POST",
        token: t.adminKey,
        body: { name: "k", expires_at: d },
      });
      await validationError(res, "expires_at");
    },
  );
});
