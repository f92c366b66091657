import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DeployResponse, ModelVersionList, V1CreatedApiKey } from "@edge-ml/core/schemas";
import { registerVersion } from "./model-helpers";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";

// The response types are the api's own schemas (core/schemas/model-versions.ts, api-keys.ts), never copies.
type VersionList = z.infer<typeof ModelVersionList>;
type Deployed = z.infer<typeof DeployResponse>;
type CreatedKey = z.infer<typeof V1CreatedApiKey>;

const tenant = (label: string) => seedTenant(label, "active", "enterprise");

async function productionRows(tenantId: string, kind = "recommender") {
  const { results } = await env.DB.prepare(
    "SELECT version, status FROM model_versions WHERE tenant_id = ? AND kind = ? AND is_production = 1",
  )
    .bind(tenantId, kind)
    .all<{ version: string; status: string }>();
  return results;
}

async function statusOf(tenantId: string, version: string, kind = "recommender") {
  return (await env.DB.prepare("SELECT status FROM model_versions WHERE tenant_id = ? AND kind = ? AND version = ?")
    .bind(tenantId, kind, version)
    .first<{ status: string }>())!.status;
}

function deploy(t: SeededTenant, version: string, body?: unknown, token = t.adminKey) {
  return call(`/api/v1/model/deploy/${version}`, { method: "POST", token, body });
}

async function list(t: SeededTenant, query = "") {
  const res = await call(`/api/v1/model/versions${query}`, { token: t.adminKey });
  return { res, body: (await res.json()) as VersionList & ErrorBody };
}

describe("GET /api/v1/model/versions", () => {
  it("lists newest first with pagination, status and kind filters (classifier-api.md shape)", async () => {
    const t = await tenant("versions");
    for (let i = 1; i <= 5; i++) await registerVersion(t.tenantId, `v${i}`, `2026-11-0${i}T00:00:00.000Z`);
    await registerVersion(t.tenantId, "c1", "2026-11-06T00:00:00.000Z", "classifier");
    await registerVersion((await tenant("versions-other")).tenantId, "x1", "2026-11-07T00:00:00.000Z");

    const all = await list(t);
    expect(all.res.status).toBe(200);
    expect(all.body).toMatchObject({ total: 6, limit: 10, offset: 0 });
    expect(all.body.correlation_id).toBe(all.res.headers.get("x-correlation-id"));
    expect(all.body.versions.map((v) => v.version)).toEqual(["c1", "v5", "v4", "v3", "v2", "v1"]);
    expect(all.body.versions[1]).toMatchObject({
      version: "v5",
      status: "pending",
      is_production: false,
      kind: "recommender",
      metrics: { recall_at_10: 0.3 },
      deployed_at: null,
    });

    const page = await list(t, "?kind=recommender&limit=2&offset=1");
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.body.versions.map((v) => v.version)).toEqual(["v4", "v3"]);

    expect((await deploy(t, "v2")).status).toBe(200);
    const active = await list(t, "?status=active");
    expect(active.body.versions.map((v) => v.version)).toEqual(["v2"]);
    expect(active.body.versions[0]!.is_production).toBe(true);
    expect((await list(t, "?status=pending&kind=classifier")).body.versions.map((v) => v.version)).toEqual(["c1"]);
  });

  it("refuses bad query parameters", async () => {
    const t = await tenant("versions-400");
    for (const q of ["?limit=0", "?limit=101", "?offset=-1", "?status=live", "?kind=ranker"]) {
      const { res, body } = await list(t, q);
      expect(res.status, q).toBe(400);
      expect(body.error.code).toBe("VALIDATION_ERROR");
    }
  });

  it("needs only the read permission", async () => {
    const t = await tenant("versions-read");
    const key = (await (
      await call("/api/v1/api-keys", { method: "POST", token: t.adminKey, body: { name: "r", permissions: ["read"] } })
    ).json()) as CreatedKey;
    expect((await call("/api/v1/model/versions", { token: key.key })).status).toBe(200);
    await registerVersion(t.tenantId, "v1", "2026-11-01T00:00:00.000Z");
    expect((await deploy(t, "v1", undefined, key.key)).status).toBe(403);
  });
});

describe("POST /api/v1/model/deploy/{version}", () => {
  it("switches production atomically and reports the previous version", async () => {
    const t = await tenant("deploy");
    await registerVersion(t.tenantId, "v1", "2026-11-01T00:00:00.000Z");
    await registerVersion(t.tenantId, "v2", "2026-11-02T00:00:00.000Z");

    const first = await deploy(t, "v1");
    expect(first.status).toBe(200);
    const a = (await first.json()) as Deployed;
    expect(a).toMatchObject({ version: "v1", status: "active", previous_version: null, kind: "recommender" });
    expect(a.correlation_id).toBe(first.headers.get("x-correlation-id"));
    expect(await productionRows(t.tenantId)).toEqual([{ version: "v1", status: "active" }]);

    const b = (await (await deploy(t, "v2", { kind: "recommender" })).json()) as Deployed;
    expect(b).toMatchObject({ version: "v2", status: "active", previous_version: "v1" });
    expect(b.message).toContain("was v1");
    expect(await productionRows(t.tenantId)).toEqual([{ version: "v2", status: "active" }]);
    expect(await statusOf(t.tenantId, "v1")).toBe("archived");
  });

  it("concurrent deploys leave exactly one production version", async () => {
    const t = await tenant("deploy-race");
    for (let i = 1; i <= 4; i++) await registerVersion(t.tenantId, `v${i}`, `2026-11-0${i}T00:00:00.000Z`);
    const results = await Promise.all(["v1", "v2", "v3", "v4"].map((v) => deploy(t, v)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const prod = await productionRows(t.tenantId);
    expect(prod).toHaveLength(1);
    const { results: rest } = await env.DB.prepare(
      "SELECT status FROM model_versions WHERE tenant_id = ? AND is_production = 0",
    )
      .bind(t.tenantId)
      .all<{ status: string }>();
    expect(rest.map((r) => r.status)).toEqual(["archived", "archived", "archived"]);
  });

  it("deploying the production version is a 200 no-op that says so", async () => {
    const t = await tenant("deploy-noop");
    await registerVersion(t.tenantId, "v1", "2026-11-01T00:00:00.000Z");
    await deploy(t, "v1");
    const before = await env.DB.prepare("SELECT deployed_at FROM model_versions WHERE tenant_id = ?")
      .bind(t.tenantId)
      .first<{ deployed_at: string }>();
    const res = await deploy(t, "v1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Deployed;
    expect(body).toMatchObject({ version: "v1", status: "active", previous_version: "v1" });
    expect(body.message).toMatch(/already the production recommender; nothing changed/);
    const after = await env.DB.prepare("SELECT deployed_at FROM model_versions WHERE tenant_id = ?")
      .bind(t.tenantId)
      .first<{ deployed_at: string }>();
    expect(after).toEqual(before);
  });

  it("404 for an unknown version and for another tenant's version; nothing changes", async () => {
    const a = await tenant("deploy-a");
    const b = await tenant("deploy-b");
    await registerVersion(a.tenantId, "v1", "2026-11-01T00:00:00.000Z");
    await registerVersion(b.tenantId, "v9", "2026-11-01T00:00:00.000Z");
    await deploy(a, "v1");

    const unknown = await deploy(a, "v2");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    expect((await deploy(a, "v9")).status).toBe(404);
    expect(await productionRows(a.tenantId)).toEqual([{ version: "v1", status: "active" }]);
    expect(await statusOf(b.tenantId, "v9")).toBe("pending");
    expect((await deploy(a, "v1", { kind: "classifier" })).status).toBe(404);
    expect((await deploy(a, "bad%20name")).status).toBe(400);
  });

  it("a version name in both kinds needs kind; kinds switch independently", async () => {
    const t = await tenant("deploy-kinds");
    await registerVersion(t.tenantId, "v1", "2026-11-01T00:00:00.000Z");
    await registerVersion(t.tenantId, "v1", "2026-11-01T00:00:00.000Z", "classifier");
    const ambiguous = await deploy(t, "v1");
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as ErrorBody).error.details.field).toBe("kind");
    expect((await deploy(t, "v1", { kind: "classifier" })).status).toBe(200);
    expect((await deploy(t, "v1", { kind: "recommender" })).status).toBe(200);
    expect(await productionRows(t.tenantId, "classifier")).toEqual([{ version: "v1", status: "active" }]);
    expect(await productionRows(t.tenantId, "recommender")).toEqual([{ version: "v1", status: "active" }]);
    expect((await deploy(t, "v1", { kind: "ranker" })).status).toBe(400);
  });
});

describe("POST /api/v1/model/rollback", () => {
  it("re-deploys the version production had before; twice returns to the start", async () => {
    const t = await tenant("rollback");
    for (let i = 1; i <= 3; i++) await registerVersion(t.tenantId, `v${i}`, `2026-11-0${i}T00:00:00.000Z`);
    const rollback = (body?: unknown) => call("/api/v1/model/rollback", { method: "POST", token: t.adminKey, body });

    const none = await rollback();
    expect(none.status).toBe(409);
    expect(((await none.json()) as ErrorBody).error.code).toBe("CONFLICT");

    await deploy(t, "v1");
    expect((await rollback()).status).toBe(409);
    await deploy(t, "v2");
    await deploy(t, "v3");

    const back = await rollback({ kind: "recommender" });
    expect(back.status).toBe(200);
    expect((await back.json()) as Deployed).toMatchObject({ version: "v2", previous_version: "v3", status: "active" });
    expect(await productionRows(t.tenantId)).toEqual([{ version: "v2", status: "active" }]);
    expect(await statusOf(t.tenantId, "v3")).toBe("archived");

    expect((await (await rollback()).json()) as Deployed).toMatchObject({ version: "v3", previous_version: "v2" });
    expect((await rollback({ kind: "classifier" })).status).toBe(409);
  });
});
