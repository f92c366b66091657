import { describe, expect, it } from "vitest";
import { call, seedTenant, type ErrorBody } from "../helpers";

function expectEnvelope(body: ErrorBody, code: string) {
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.error.correlation_id).toEqual(expect.any(String));
  expect(Date.parse(body.error.timestamp)).not.toBeNaN();
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|SQLITE|stack/i);
}

describe("request errors use the contract envelope", () => {
  it("unknown route is 404 NOT_FOUND", async () => {
    const res = await call("/no/such/route");
    expect(res.status).toBe(404);
    expectEnvelope(await res.json(), "NOT_FOUND");
  });

  it("wrong method is 405 with Allow", async () => {
    const res = await call("/api/v1/api-keys", { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
    expect(res.headers.get("allow")).toContain("POST");
    expectEnvelope(await res.json(), "METHOD_NOT_ALLOWED");
  });

  it("wrong method on a parameterised path is 405", async () => {
    const res = await call(`/api/v1/api-keys/${crypto.randomUUID()}`, { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("DELETE");
  });

  it("malformed JSON is 400 VALIDATION_ERROR", async () => {
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      rawBody: '{"email": "a@b.c", "password": ',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expectEnvelope(body, "VALIDATION_ERROR");
    expect(body.error.message).toMatch(/malformed json/i);
  });

  it("a body that is not JSON is 415", async () => {
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      rawBody: "email=a@b.c",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expectEnvelope(await res.json(), "UNSUPPORTED_MEDIA_TYPE");
  });

  it("an oversize body is 413 (declared length)", async () => {
    const big = JSON.stringify({ email: "a@b.c", password: "x".repeat(1024 * 1024 + 10) });
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      rawBody: big,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as ErrorBody;
    expectEnvelope(body, "PAYLOAD_TOO_LARGE");
    expect(body.error.details.max_bytes).toBe(1024 * 1024);
  });

  it("an oversize body is 413 (chunked, no Content-Length)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await call("/api/v1/auth/login", {
      method: "POST",
      rawBody: stream,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });

  it("validation errors name the field", async () => {
    const t = await seedTenant("val");
    const res = await call("/api/v1/api-keys", { method: "POST", token: t.adminKey, body: { name: "" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expectEnvelope(body, "VALIDATION_ERROR");
    expect(body.error.details.field).toBe("name");
    expect(body.error.message).toContain("name");
  });

  it("an invalid path id is 400 with the parameter named", async () => {
    const t = await seedTenant("pathid");
    const res = await call("/auth/api-keys/not-a-uuid", { method: "DELETE", token: t.adminKey });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.details.field).toBe("key_id");
    expect(body.error.details.location).toBe("param");
  });
});

describe("correlation ids", () => {
  it("echoes a valid X-Correlation-ID on success and in error bodies", async () => {
    const ok = await call("/health", { headers: { "x-correlation-id": "corr_abc-123" } });
    expect(ok.headers.get("x-correlation-id")).toBe("corr_abc-123");
    const bad = await call("/nope", { headers: { "x-correlation-id": "corr_abc-123" } });
    expect(bad.headers.get("x-correlation-id")).toBe("corr_abc-123");
    expect(((await bad.json()) as ErrorBody).error.correlation_id).toBe("corr_abc-123");
  });

  it("generates one when absent or unsafe", async () => {
    const res = await call("/health", { headers: { "x-correlation-id": "<script>" } });
    expect(res.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
