import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { decodeLabelledParquet, DEFAULT_CATEGORIES } from "@edge-ml/core/classify";
import type { LabelledUploadResult, LabelSet } from "@edge-ml/core/schemas";
import { call, seedTenant, type ErrorBody } from "../helpers";
import { classifierTenant, uploadRows } from "./classify-helpers";

type Upload = z.infer<typeof LabelledUploadResult>;

describe("/api/v1/model/labels", () => {
  it("is the contract's 41 categories until the tenant sets its own", async () => {
    const t = await seedTenant("labels", "active", "enterprise");
    const res = await call("/api/v1/model/labels", { token: t.adminKey });
    const body = (await res.json()) as z.infer<typeof LabelSet>;
    expect(body).toMatchObject({ is_default: true, labels: [...DEFAULT_CATEGORIES] });
    expect(body.labels).toHaveLength(41);
    const put = await call("/api/v1/model/labels", { method: "PUT", token: t.adminKey, body: { labels: ["A", "B"] } });
    expect(await put.json()).toMatchObject({ is_default: false, labels: ["A", "B"] });
    // Another tenant keeps the default.
    const other = await seedTenant("labels-other", "active", "enterprise");
    expect(await (await call("/api/v1/model/labels", { token: other.adminKey })).json()).toMatchObject({
      is_default: true,
    });
  });

  it.each([
    [{ labels: ["ONLY"] }, /at least 2/],
    [{ labels: [] }, /at least 2/],
    [{ labels: ["A", "A"] }, /must not repeat/],
    [{ labels: Array.from({ length: 201 }, (_, i) => `L${i}`) }, /at most 200/],
    [{ labels: ["A", " "] }, /must not be empty/],
  ])("refuses %j with 400 on labels", async (body, message) => {
    const t = await seedTenant("labels-bad", "active", "enterprise");
    const res = await call("/api/v1/model/labels", { method: "PUT", token: t.adminKey, body });
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.details?.field).toMatch(/^labels/);
    expect(err.error.message).toMatch(message);
  });
});

describe("POST /api/v1/model/training-data", () => {
  it("validates each row, stores the accepted ones once as Parquet under the tenant's prefix", async () => {
    const t = await classifierTenant("upload");
    const rows = [
      { headline: "Team wins the match", short_description: "A late goal", category: "SPORTS", link: "ignored" },
      { headline: "   ", category: "SPORTS" },
      { headline: "Senate vote", category: "WEATHER" },
      { headline: "x".repeat(501), category: "POLITICS" },
      { headline: "Chef bakes", short_description: "y".repeat(2001), category: "FOOD & DRINK" },
      { headline: "Dinner recipe", category: "FOOD & DRINK" },
      "not a row",
    ];
    const res = await uploadRows(t, rows);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Upload;
    expect(body).toMatchObject({ accepted: 2, rejected: 5, stored: true });
    expect(body.validation_errors.map((e) => [e.index, e.field])).toEqual([
      [1, "headline"],
      [2, "category"],
      [3, "headline"],
      [4, "short_description"],
      [6, undefined],
    ]);
    expect(body.key).toBe(`tenants/${t.tenantId}/classifier/training_data/${body.upload_id}.parquet`);
    const stored = await decodeLabelledParquet(await (await env.DATA.get(body.key!))!.arrayBuffer());
    expect(stored.map((r) => [r.headline, r.short_description, r.category, r.source])).toEqual([
      ["Team wins the match", "A late goal", "SPORTS", "upload"],
      ["Dinner recipe", undefined, "FOOD & DRINK", "upload"],
    ]);

    // A retry stores nothing new.
    const again = (await (await uploadRows(t, rows)).json()) as Upload;
    expect(again).toMatchObject({ upload_id: body.upload_id, stored: false, accepted: 2 });
    const listed = await env.DATA.list({ prefix: `tenants/${t.tenantId}/classifier/training_data/` });
    expect(listed.objects).toHaveLength(1);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM labelled_uploads WHERE tenant_id = ?")
      .bind(t.tenantId)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("takes JSON lines", async () => {
    const t = await classifierTenant("upload-jsonl");
    const lines = [JSON.stringify({ headline: "Coach praises the striker", category: "SPORTS" }), "{not json"].join(
      "\n",
    );
    const bad = await call("/api/v1/model/training-data", {
      method: "POST",
      token: t.adminKey,
      rawBody: lines,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as ErrorBody;
    expect(badBody.error.details?.field, JSON.stringify(badBody)).toBe("line 2");
    const good = [
      JSON.stringify({ headline: "Coach praises the striker", category: "SPORTS" }),
      JSON.stringify({ headline: "Senate passes a bill", category: "POLITICS" }),
      "",
    ].join("\n");
    const res = await call("/api/v1/model/training-data", {
      method: "POST",
      token: t.adminKey,
      rawBody: good,
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: 0, stored: true });
  });

  it("refuses other media types and empty bodies", async () => {
    const t = await classifierTenant("upload-media");
    const text = await call("/api/v1/model/training-data", {
      method: "POST",
      token: t.adminKey,
      rawBody: "a,b",
      headers: { "content-type": "text/csv" },
    });
    expect(text.status).toBe(415);
    const empty = await call("/api/v1/model/training-data", {
      method: "POST",
      token: t.adminKey,
      rawBody: "  ",
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(empty.status).toBe(400);
  });
});
