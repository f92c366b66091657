import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { AbuseFlagList } from "@edge-ml/core/schemas";
import { addUser, call, login, seedTenant, type ErrorBody } from "../helpers";

// The response type is the api's own schema (core/schemas/abuse.ts), never a copy.
type Flags = z.infer<typeof AbuseFlagList>;

async function flagsOf(token: string): Promise<Flags> {
  return (await (await call("/api/v1/abuse/flags", { token })).json()) as Flags;
}

describe("abuse detection (search-recommend-api.md)", () => {
  it("throttles the 21st identical query within a minute and flags it once", async () => {
    const t = await seedTenant("repeat");
    const ip = "203.0.113.21";
    const send = (q: string) => call(`/search?q=${q}`, { token: t.adminKey, headers: { "cf-connecting-ip": ip } });
    for (let i = 0; i < 20; i++) expect((await send("Running%20Shoes")).status).not.toBe(429);
    // Case and spacing do not make a query new.
    const refused = await send("running%20%20shoes");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as ErrorBody).error.details.reason).toBe("repeated_query");
    expect((await send("running%20shoes")).status).toBe(429);
    // Other queries from the same client still pass.
    expect((await send("hiking%20boots")).status).not.toBe(429);

    await expect.poll(async () => (await flagsOf(t.adminKey)).total).toBe(1);
    const { flags } = await flagsOf(t.adminKey);
    expect(flags[0]).toMatchObject({ kind: "repeated_query", client: `ip:${ip}`, endpoint: "/search" });
  });

  it("flags and throttles a sequential walk over product ids", async () => {
    const t = await seedTenant("walk");
    const ip = "203.0.113.99";
    const get = (path: string) => call(path, { token: t.adminKey, headers: { "cf-connecting-ip": ip } });
    for (let i = 100; i < 109; i++) expect((await get(`/api/v1/items/prod_${i}/embedding`)).status).not.toBe(429);
    const tenth = await get("/api/v1/items/prod_109/embedding");
    expect(tenth.status).toBe(429);
    expect(((await tenth.json()) as ErrorBody).error.details.reason).toBe("sequential_enumeration");
    // The client stays throttled on every item-revealing route, any id.
    expect((await get("/search/explain?q=x&product_id=anything")).status).toBe(429);
    expect((await get("/debug/ranking/prod_5")).status).toBe(429);

    await expect.poll(async () => (await flagsOf(t.adminKey)).total).toBe(1);
    const flag = (await flagsOf(t.adminKey)).flags[0]!;
    expect(flag).toMatchObject({ kind: "sequential_enumeration", client: `ip:${ip}` });
    expect(flag.detail.ids).toEqual(Array.from({ length: 10 }, (_, i) => `prod_${100 + i}`));
  });

  it("does not flag unordered lookups", async () => {
    const t = await seedTenant("random");
    const ids = [17, 3, 250, 4, 99, 12, 8, 301, 45, 46, 2, 77];
    for (const id of ids) {
      const res = await call(`/api/v1/items/prod_${id}/embedding`, {
        token: t.adminKey,
        headers: { "cf-connecting-ip": "203.0.113.7" },
      });
      expect(res.status).not.toBe(429);
    }
    expect((await flagsOf(t.adminKey)).total).toBe(0);
  });

  it("flags are visible to the tenant's admin only, and only their own", async () => {
    const a = await seedTenant("flags-a");
    const b = await seedTenant("flags-b");
    for (let i = 0; i < 10; i++)
      await call(`/api/v1/items/p${i}/embedding`, {
        token: b.adminKey,
        headers: { "cf-connecting-ip": "203.0.113.50" },
      });
    await expect.poll(async () => (await flagsOf(b.adminKey)).total).toBe(1);
    expect((await flagsOf(a.adminKey)).total).toBe(0);

    const dev = await addUser(b, `dev-${b.tenantId}@example.com`, "developer password", "developer");
    expect(dev.status).toBe(201);
    const { body } = await login(`dev-${b.tenantId}@example.com`, "developer password");
    const res = await call("/api/v1/abuse/flags", { token: body.access_token });
    expect(res.status).toBe(403);
  });
});
