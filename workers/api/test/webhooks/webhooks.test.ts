import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { catalogKey } from "@edge-ml/core/ingest/catalog";
import type {
  CreatedWebhook,
  TriggerTrainingResponse,
  V1CreatedApiKey,
  WebhookDeliveryList,
  WebhookList,
} from "@edge-ml/core/schemas";
import { registerVersion } from "../training/model-helpers";
import { call, seedTenant, type ErrorBody, type SeededTenant } from "../helpers";

// The response types are the api's own schemas (core/schemas/webhooks.ts, training.ts, api-keys.ts), never copies.
type Created = z.infer<typeof CreatedWebhook>;
type Hooks = z.infer<typeof WebhookList>;
type Deliveries = z.infer<typeof WebhookDeliveryList>;
type Triggered = z.infer<typeof TriggerTrainingResponse>;
type CreatedKey = z.infer<typeof V1CreatedApiKey>;

const tenant = (label: string) => seedTenant(label, "active", "enterprise");

async function createHook(t: SeededTenant, body: unknown, token = t.adminKey) {
  const res = await call("/api/v1/webhooks", { method: "POST", token, body });
  return { res, body: (await res.json()) as Created & ErrorBody };
}

async function deliveriesOf(t: SeededTenant, hookId: string, query = "") {
  const res = await call(`/api/v1/webhooks/${hookId}/deliveries${query}`, { token: t.adminKey });
  return { res, body: (await res.json()) as Deliveries & ErrorBody };
}

afterEach(() => vi.restoreAllMocks());

describe("webhook subscriptions", () => {
  it("create shows the secret once; the list and the database rows are the only other places", async () => {
    const t = await tenant("hooks");
    const { res, body } = await createHook(t, {
      url: "https://hooks.example.com/edge-ml",
      events: ["training.completed", "model.deployed"],
    });
    expect(res.status).toBe(201);
    expect(body).toMatchObject({
      url: "https://hooks.example.com/edge-ml",
      events: ["training.completed", "model.deployed"],
      status: "active",
    });
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const list = await call("/api/v1/webhooks", { token: t.adminKey });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(body.secret);
    const listed = (JSON.parse(text) as Hooks).webhooks;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual({
      id: body.id,
      url: body.url,
      events: body.events,
      status: "active",
      created_at: body.created_at,
    });
    // Another tenant sees none of it.
    const other = await tenant("hooks-other");
    expect(((await (await call("/api/v1/webhooks", { token: other.adminKey })).json()) as Hooks).webhooks).toEqual([]);
  });

  it.each([
    ["http://hooks.example.com/x", /must use https/],
    ["ftp://hooks.example.com/x", /must use https/],
    ["https://user:pw@hooks.example.com/x", /credentials/],
    ["hooks.example.com/x", /absolute URL/],
  ])("refuses %s", async (url, message) => {
    const t = await tenant("hooks-url");
    const { res, body } = await createHook(t, { url, events: ["model.deployed"] });
    expect(res.status).toBe(400);
    expect(body.error.details.field).toBe("url");
    expect(body.error.message).toMatch(message);
  });

  it("accepts plain http only for 127.0.0.1 and localhost (local development)", async () => {
    const t = await tenant("hooks-local");
    for (const url of ["http://127.0.0.1:8787/hook", "http://localhost:3000/hook"]) {
      expect((await createHook(t, { url, events: ["model.deployed"] })).res.status, url).toBe(201);
    }
  });

  it("refuses unknown, repeated or no events, and callers without admin", async () => {
    const t = await tenant("hooks-events");
    const url = "https://hooks.example.com/x";
    for (const events of [["model.trained"], [], ["model.deployed", "model.deployed"]]) {
      const { res, body } = await createHook(t, { url, events });
      expect(res.status, JSON.stringify(events)).toBe(400);
      expect(String(body.error.details.field)).toMatch(/^events/);
    }
    const key = (await (
      await call("/api/v1/api-keys", { method: "POST", token: t.adminKey, body: { name: "w", permissions: ["write"] } })
    ).json()) as CreatedKey;
    expect((await createHook(t, { url, events: ["model.deployed"] }, key.key)).res.status).toBe(403);
    expect((await call("/api/v1/webhooks", { token: key.key })).status).toBe(403);
  });

  it("delete removes it (404 afterwards and for another tenant)", async () => {
    const t = await tenant("hooks-del");
    const other = await tenant("hooks-del-other");
    const { body } = await createHook(t, { url: "https://hooks.example.com/x", events: ["model.deployed"] });
    expect((await call(`/api/v1/webhooks/${body.id}`, { method: "DELETE", token: other.adminKey })).status).toBe(404);
    expect((await call(`/api/v1/webhooks/${body.id}`, { method: "DELETE", token: t.adminKey })).status).toBe(204);
    expect((await call(`/api/v1/webhooks/${body.id}`, { method: "DELETE", token: t.adminKey })).status).toBe(404);
    expect((await deliveriesOf(t, body.id)).res.status).toBe(404);
  });
});

describe("webhook events", () => {
  it("a deploy writes one pending delivery per subscribed webhook and queues { delivery_id }", async () => {
    const t = await tenant("hooks-deploy");
    const subscribed = (await createHook(t, { url: "https://a.example.com/x", events: ["model.deployed"] })).body;
    const elsewhere = (await createHook(t, { url: "https://b.example.com/x", events: ["training.failed"] })).body;
    await registerVersion(t.tenantId, "v1");
    await registerVersion(t.tenantId, "v2");
    await call("/api/v1/model/deploy/v1", { method: "POST", token: t.adminKey });

    const sendBatch = vi.spyOn(env.WEBHOOK_QUEUE, "sendBatch");
    const res = await call("/api/v1/model/deploy/v2", {
      method: "POST",
      token: t.adminKey,
      headers: { "x-correlation-id": "corr_deploy_v2" },
    });
    expect(res.status).toBe(200);

    const { res: listRes, body } = await deliveriesOf(t, subscribed.id);
    expect(listRes.status).toBe(200);
    expect(body.total).toBe(2);
    const latest = body.deliveries[0]!;
    expect(latest).toMatchObject({
      webhook_id: subscribed.id,
      event: "model.deployed",
      status: "pending",
      attempts: 0,
      last_status_code: null,
      last_error: null,
    });
    expect(latest.payload).toMatchObject({
      event: "model.deployed",
      correlation_id: "corr_deploy_v2",
      data: { version: "v2", previous_version: "v1", kind: "recommender", rollback: false },
    });
    expect(Date.parse(latest.payload.timestamp)).not.toBeNaN();
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(sendBatch.mock.calls[0]![0]).toEqual([{ body: { delivery_id: latest.id }, contentType: "json" }]);
    expect((await deliveriesOf(t, elsewhere.id)).body.total).toBe(0);

    // A no-op deploy emits nothing.
    await call("/api/v1/model/deploy/v2", { method: "POST", token: t.adminKey });
    expect((await deliveriesOf(t, subscribed.id)).body.total).toBe(2);
    expect((await deliveriesOf(t, subscribed.id, "?limit=1&offset=1")).body.deliveries).toHaveLength(1);
  });

  it("a job that fails at once emits training.failed", async () => {
    const t = await tenant("hooks-failed");
    const hook = (await createHook(t, { url: "https://a.example.com/x", events: ["training.failed"] })).body;
    await env.DATA.put(catalogKey(t.tenantId), JSON.stringify({ partitions: [] }));
    const res = await call("/internal/ml/training/trigger", {
      method: "POST",
      token: t.adminKey,
      body: { tenant_id: t.tenantId, training_config: { model_type: "gnn" } },
    });
    const job = (await res.json()) as Triggered;
    const { body } = await deliveriesOf(t, hook.id);
    expect(body.deliveries.map((d) => d.payload.data)).toEqual([
      {
        training_job_id: job.job_id,
        model_type: "gnn",
        error: expect.stringMatching(/^no training data between \d{4}-\d{2}-\d{2} and \d{4}-\d{2}-\d{2}$/),
      },
    ]);
  });

  it("when the queue refuses, the deploy still succeeds and the delivery is marked failed", async () => {
    const t = await tenant("hooks-queue-down");
    const hook = (await createHook(t, { url: "https://a.example.com/x", events: ["model.deployed"] })).body;
    await registerVersion(t.tenantId, "v1");
    vi.spyOn(env.WEBHOOK_QUEUE, "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    const res = await call("/api/v1/model/deploy/v1", { method: "POST", token: t.adminKey });
    expect(res.status).toBe(200);
    const { body } = await deliveriesOf(t, hook.id);
    expect(body.deliveries[0]).toMatchObject({ status: "failed" });
    expect(body.deliveries[0]!.last_error).toMatch(/could not enqueue.*queue unavailable/);
  });

  it("disabled webhooks and other tenants' webhooks get nothing", async () => {
    const t = await tenant("hooks-disabled");
    const other = await tenant("hooks-disabled-other");
    const hook = (await createHook(t, { url: "https://a.example.com/x", events: ["model.deployed"] })).body;
    const foreign = (await createHook(other, { url: "https://a.example.com/y", events: ["model.deployed"] })).body;
    await env.DB.prepare("UPDATE webhooks SET status = 'disabled' WHERE id = ?").bind(hook.id).run();
    await registerVersion(t.tenantId, "v1");
    await call("/api/v1/model/deploy/v1", { method: "POST", token: t.adminKey });
    expect((await deliveriesOf(t, hook.id)).body.total).toBe(0);
    expect((await deliveriesOf(other, foreign.id)).body.total).toBe(0);
    expect((await deliveriesOf(other, hook.id)).res.status).toBe(404);
  });
});
