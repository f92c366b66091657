import { describe, expect, it } from "vitest";
import { verifyPayload } from "@edge-ml/core/auth/signatures";
import { emitWebhookEvent } from "../src/webhooks";
import { createTenant, deliver, dispatchEnv, receiverUrl } from "./helpers";

const WEBHOOKS = "edge-ml-webhooks";

async function webhook(tenantId: string, url: string, events = ["training.completed"]) {
  const id = crypto.randomUUID();
  const secret = `whsec-${crypto.randomUUID()}`;
  await dispatchEnv.DB.prepare(
    "INSERT INTO webhooks (id, tenant_id, url, events, secret, status, created_at) VALUES (?, ?, ?, ?, ?, 'active', ?)",
  )
    .bind(id, tenantId, url, JSON.stringify(events), secret, new Date().toISOString())
    .run();
  return { id, secret };
}

/** Emits through a queue stand-in that keeps the messages, so the test delivers them itself. */
async function emit(tenantId: string) {
  const messages: unknown[] = [];
  const env = {
    ...dispatchEnv,
    WEBHOOK_QUEUE: { sendBatch: async (b: { body: unknown }[]) => void messages.push(...b.map((m) => m.body)) },
  } as unknown as DispatchEnv;
  await emitWebhookEvent(env, tenantId, "training.completed", { training_job_id: "j1", version: "mf-1" });
  return messages;
}

const delivery = async (id: string) =>
  (await dispatchEnv.DB.prepare("SELECT * FROM webhook_deliveries WHERE id = ?")
    .bind(id)
    .first<Record<string, unknown>>())!;

const received = async () =>
  (await (await fetch(receiverUrl("__received"))).json()) as {
    url: string;
    headers: Record<string, string>;
    body: string;
  }[];

describe("webhook deliveries", () => {
  it("POSTs the payload signed with the webhook's secret and logs it delivered", async () => {
    const tenant = await createTenant();
    const hook = await webhook(tenant, receiverUrl(200));
    await webhook(tenant, receiverUrl(200), ["training.failed"]); // not subscribed
    const messages = await emit(tenant);
    expect(messages).toHaveLength(1);
    await received();
    expect(await deliver(WEBHOOKS, messages)).toMatchObject({ acked: 1, retried: [] });
    const [got] = await received();
    expect(got).toBeDefined();
    const payload = JSON.parse(got!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ event: "training.completed", data: { training_job_id: "j1", version: "mf-1" } });
    expect(payload.timestamp).toEqual(expect.any(String));
    expect(payload.correlation_id).toEqual(expect.any(String));
    expect(await verifyPayload(hook.secret, got!.body, got!.headers["x-edgeml-signature"])).toMatchObject({ ok: true });
    const id = (messages[0] as { delivery_id: string }).delivery_id;
    expect(await delivery(id)).toMatchObject({
      status: "delivered",
      attempts: 1,
      last_status_code: 200,
      last_error: null,
    });
    // Redelivered: not sent again.
    expect(await deliver(WEBHOOKS, messages)).toMatchObject({ acked: 1 });
    expect(await received()).toEqual([]);
  });

  it("a failing receiver is retried with backoff, each attempt logged, then marked failed", async () => {
    const tenant = await createTenant();
    await webhook(tenant, receiverUrl(503));
    const messages = await emit(tenant);
    const id = (messages[0] as { delivery_id: string }).delivery_id;
    const env = { ...dispatchEnv, WEBHOOK_MAX_ATTEMPTS: "3" };
    const first = await deliver(WEBHOOKS, messages, env);
    expect(first.retried).toEqual([expect.objectContaining({ delaySeconds: 30 })]);
    expect(await delivery(id)).toMatchObject({ status: "pending", attempts: 1, last_status_code: 503 });
    const second = await deliver(WEBHOOKS, messages, env, 2);
    expect(second.retried).toEqual([expect.objectContaining({ delaySeconds: 60 })]);
    expect(await deliver(WEBHOOKS, messages, env, 3)).toMatchObject({ acked: 1, retried: [] });
    const row = await delivery(id);
    expect(row).toMatchObject({ status: "failed", attempts: 3, last_status_code: 503 });
    expect(row.last_error).toMatch(/receiver answered 503 \(gave up after 3 attempts\)/);
    expect(await received()).toHaveLength(3);
  });
});
