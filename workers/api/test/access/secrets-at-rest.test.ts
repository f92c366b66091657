import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFrom, openSecret, sealedFor } from "@edge-ml/core/auth";
import { catalogKey } from "@edge-ml/core/ingest/catalog";
import { call, seedTenant } from "../helpers";

/**
 * Signing secrets are sealed in D1 (core/auth/sealed-secrets.ts). The vitest plugin keeps D1
 * in memory (no file to read), so the test reads every row of every table through the
 * binding, raw, as a copy of the database would show them, and looks for the secrets.
 */
async function everyStoredValue(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const dumps: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    dumps.push(JSON.stringify(rows.results));
  }
  return dumps.join("\n");
}

describe("signing secrets at rest", () => {
  it("no D1 table holds a webhook's secret: the row keeps it sealed, and it opens with SECRETS_KEY", async () => {
    const t = await seedTenant("sealed-hook", "active", "enterprise");
    const res = await call("/api/v1/webhooks", {
      method: "POST",
      token: t.adminKey,
      body: { url: "https://hooks.example.com/sealed", events: ["training.completed"] },
    });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: string; secret: string };
    const stored = await env.DB.prepare("SELECT secret FROM webhooks WHERE id = ?")
      .bind(hook.id)
      .first<{ secret: string }>();
    expect(stored!.secret).toMatch(/^v1\./);
    const dump = await everyStoredValue();
    expect(dump).not.toContain(hook.secret);
    expect(dump).not.toContain(hook.secret.slice("whsec_".length));
    const ring = await keyringFrom(env.SECRETS_KEY);
    expect((await openSecret(ring, stored!.secret, sealedFor.webhook(hook.id))).secret).toBe(hook.secret);
    // Sealed for its row: copied to another webhook's row, it does not open.
    await expect(openSecret(ring, stored!.secret, sealedFor.webhook(crypto.randomUUID()))).rejects.toThrow(
      /does not open/,
    );
  });

  it("no D1 table holds a training job's callback secret", async () => {
    const t = await seedTenant("sealed-job", "active", "enterprise");
    await env.DATA.put(
      catalogKey(t.tenantId),
      JSON.stringify({ tenant_id: t.tenantId, partitions: [{ date: "2026-01-05", row_count: 500 }] }),
    );
    const res = await call("/internal/ml/training/trigger", {
      method: "POST",
      token: t.adminKey,
      body: {
        tenant_id: t.tenantId,
        training_config: {
          model_type: "matrix_factorization",
          data_range: { start_date: "2026-01-01", end_date: "2026-01-31" },
        },
      },
    });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };
    const row = await env.DB.prepare("SELECT callback_secret FROM training_jobs WHERE id = ?")
      .bind(job_id)
      .first<{ callback_secret: string }>();
    expect(row!.callback_secret).toMatch(/^v1\./);
    const { secret } = await openSecret(
      await keyringFrom(env.SECRETS_KEY),
      row!.callback_secret,
      sealedFor.job(job_id),
    );
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await everyStoredValue()).not.toContain(secret);
  });
});
