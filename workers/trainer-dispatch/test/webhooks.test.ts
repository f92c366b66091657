import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifyPayload } from "@edge-ml/core/auth/signatures";
import { emitWebhookEvent } from "@edge-ml/core/training/webhooks";
import worker from "../src/index";
import { sealedFor } from "@edge-ml/core/auth/sealed-secrets";
import { createTenant, deliver, dispatchEnv, receiverUrl, seal } from "./helpers";

const WEBHOOKS = "edge-ml-webhooks";

/** A webhook row as the api writes it: its secret sealed (or, `legacy`, in plaintext as before sealing). */
async function webhook(tenantId: string, url: string, events = ["training.completed"], legacy = false) {
  const id = crypto.randomUUID();
  const secret = `whsec-${crypto.randomUUID()}`;
  await dispatchEnv.DB.prepare(
    "INSERT INTO webhooks (id, tenant_id, url, events, secret, status, created_at) VALUES (?, ?, ?, ?, ?, 'active', ?)",
  )
    .bind(id, tenantId, url, JSON.stringify(events), legacy ? secret : await seal(secret, sealedFor.webhook(id)), new Date().toISOString())
    .run();
  return { id, secret };
}

const storedSecret = async (id: string) =>
  (await dispatchEnv.DB.prepare("SELECT secret FROM webhooks WHERE id = ?").bind(id).first<{ secret: string }>())!.secret;

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
  it("signs with the secret sealed in D1, and seals a legacy plaintext secret in place on first use", async () => {
    const tenant = await createTenant();
    const hook = await webhook(tenant, receiverUrl(200), ["training.completed"], true);
    const messages = await emit(tenant);
    await received();
    expect(await deliver(WEBHOOKS, messages)).toMatchObject({ acked: 1, retried: [] });
    const [got] = await received();
    expect(await verifyPayload(hook.secret, got!.body, got!.headers["x-edgeml-signature"])).toMatchObject({ ok: true });
    const stored = await storedSecret(hook.id);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(hook.secret);
  });

  it("without SECRETS_KEY, a delivery fails loudly (recorded error, retried), never unsigned", async () => {
    const tenant = await createTenant();
    const hook = await webhook(tenant, receiverUrl(200));
    const messages = await emit(tenant);
    await received();
    const env = { ...dispatchEnv, SECRETS_KEY: "" } as DispatchEnv;
    const result = await deliver(WEBHOOKS, messages, env);
    expect(result.retried).toHaveLength(1);
    expect(await received()).toEqual([]);
    const id = (messages[0] as { delivery_id: string }).delivery_id;
    expect(await delivery(id)).toMatchObject({ status: "pending", attempts: 1, last_error: expect.stringMatching(/SECRETS_KEY is not configured/) });
    expect(await storedSecret(hook.id)).toMatch(/^v1\./);
  });

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

/**
 * A webhook queue that refuses every batch. It stands for the Queues service refusing a send
 * (an outage, an account limit): a remote failure the local queue cannot be made to produce,
 * since our messages are a few bytes and sent in batches within the limits. Everything else
 * is real: D1, the scheduled handler, and the real queue and consumer once it accepts again.
 */
const refusingQueue = {
  send: async () => {
    throw new Error("Queue send failed: the Queues service refused the message");
  },
  sendBatch: async () => {
    throw new Error("Queue sendBatch failed: the Queues service refused the batch");
  },
} as unknown as Queue;

/** One run of the dispatcher's cron trigger, waited out. */
async function scheduledRun(handlerEnv: DispatchEnv) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), handlerEnv, ctx);
  await waitOnExecutionContext(ctx);
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

describe("deliveries the queue refused", () => {
  const env = { ...dispatchEnv, WEBHOOK_MAX_ATTEMPTS: "3" };
  const refusing = { ...env, WEBHOOK_QUEUE: refusingQueue };

  const emitRefused = async (tenantId: string) => {
    await expect(
      emitWebhookEvent(refusing, tenantId, "training.completed", { training_job_id: "j1", version: "mf-1" }),
    ).rejects.toThrow(/refused the batch/);
    const { results } = await dispatchEnv.DB.prepare("SELECT id FROM webhook_deliveries WHERE tenant_id = ?")
      .bind(tenantId)
      .all<{ id: string }>();
    expect(results).toHaveLength(1);
    return results[0]!.id;
  };

  it("are failed with the reason, re-sent by the scheduled sweep and delivered once the queue accepts", async () => {
    const tenant = await createTenant();
    await webhook(tenant, receiverUrl(200));
    const id = await emitRefused(tenant);
    expect(await delivery(id)).toMatchObject({ status: "failed", attempts: 1, last_status_code: null });
    expect((await delivery(id)).last_error).toBe(
      "could not enqueue the delivery: Error: Queue sendBatch failed: the Queues service refused the batch",
    );

    await scheduledRun(refusing); // refused again: one attempt more, still retryable
    expect(await delivery(id)).toMatchObject({ status: "failed", attempts: 2 });
    expect((await delivery(id)).last_error).not.toMatch(/gave up/);

    await received();
    await scheduledRun(env); // the real queue accepts; its real consumer POSTs
    const row = await until(
      () => delivery(id),
      (r) => r.status === "delivered",
    );
    expect(row).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 200, last_error: null });
    const got = await received();
    expect(got).toHaveLength(1);
    expect(got[0]!.headers["x-edgeml-delivery"]).toBe(id);
  });

  it("are marked failed for good, with the reason, after WEBHOOK_MAX_ATTEMPTS", async () => {
    const tenant = await createTenant();
    await webhook(tenant, receiverUrl(200));
    const id = await emitRefused(tenant);
    await scheduledRun(refusing);
    await scheduledRun(refusing);
    const row = await delivery(id);
    expect(row).toMatchObject({ status: "failed", attempts: 3, last_status_code: null });
    expect(row.last_error).toBe(
      "could not enqueue the delivery: Error: Queue sendBatch failed: the Queues service refused the batch (gave up after 3 attempts)",
    );

    // No attempts left: the sweep leaves it alone, even with the queue accepting again.
    await received();
    await scheduledRun(env);
    await new Promise((r) => setTimeout(r, 300));
    expect(await delivery(id)).toEqual(row);
    expect(await received()).toEqual([]);
  });
});
