import { describe, expect, it } from "vitest";
import { countRows, createTenant, deliver, events, ingestEnv, message } from "./helpers";

const catalogParts = async (t: string) => ingestEnv.CATALOG.get(ingestEnv.CATALOG.idFromName(t)).parts();
const rowsListed = async (t: string) => (await catalogParts(t)).reduce((n, p) => n + p.rows, 0);
const historyCount = (t: string) => countRows("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t);

/** One event per message, as `POST /api/v1/interactions` sends them. */
const singles = (tenant: string, n: number, day = "2026-11-20") =>
  Array.from({ length: n }, (_, i) => message(tenant, events(1, day, i)));

describe("ingest consumer: one Parquet part per tenant and day for a queue batch", () => {
  it("a batch of single events is written as one part per day, and a redelivery of it adds none", async () => {
    const tenant = await createTenant();
    const batch = [...singles(tenant, 12), ...singles(tenant, 3, "2026-11-21")];
    const first = await deliver(batch);
    expect(first.acked).toEqual(batch.map((m, i) => `m${i}-${m.batch_id}`));
    const parts = await catalogParts(tenant);
    expect(parts.map((p) => [p.date, p.rows]).sort()).toEqual([
      ["2026-11-20", 12],
      ["2026-11-21", 3],
    ]);
    await Promise.all([deliver(batch, ingestEnv, 2), deliver(batch.slice(4), ingestEnv, 2)]);
    expect(await catalogParts(tenant)).toHaveLength(2);
    expect(await historyCount(tenant)).toBe(15);
  });

  it("listed but not marked done (a crash between the two), then redelivered in other groupings: no row listed twice", async () => {
    const tenant = await createTenant();
    const batch = singles(tenant, 4);
    // Fault injection on the real bindings: once a part is in R2, the next D1 batch (marking
    // the batches done) fails, as if the consumer died right after the catalogue listed it.
    let armed = false;
    let failed = 0;
    const env: IngestEnv = {
      ...ingestEnv,
      DATA: new Proxy(ingestEnv.DATA, {
        get: (target, prop) =>
          prop === "put"
            ? (...args: Parameters<R2Bucket["put"]>) => ((armed = true), target.put(...args))
            : bound(target, prop),
      }),
      DB: new Proxy(ingestEnv.DB, {
        get: (target, prop) =>
          prop === "batch"
            ? (statements: D1PreparedStatement[]) => {
                if (armed && failed === 0) {
                  failed++;
                  return Promise.reject(new Error("D1 unavailable"));
                }
                return target.batch(statements);
              }
            : bound(target, prop),
      }),
    };
    const first = await deliver(batch, env);
    expect(first.retried).toHaveLength(4);
    expect(await rowsListed(tenant)).toBe(4);

    // The runtime retries them, grouped otherwise, one of them beside a new event.
    const late = singles(tenant, 1)[0]!;
    const second = await deliver([batch[0]!, batch[1]!], ingestEnv, 2);
    const third = await deliver([batch[2]!, late, batch[3]!], ingestEnv, 2);
    expect([...second.retried, ...third.retried]).toEqual([]);
    expect(await rowsListed(tenant)).toBe(5);
    expect(await historyCount(tenant)).toBe(5);
    const parts = await catalogParts(tenant);
    expect(parts.map((p) => p.rows).sort()).toEqual([1, 4]);
    expect(parts.find((p) => p.rows === 1)!.key).toContain(`part-${late.batch_id}`);
  });

  it("the same batch twice in one queue batch (a replay's reference beside the first) lists its rows once", async () => {
    const tenant = await createTenant();
    const msg = message(tenant, events(5));
    const other = singles(tenant, 1)[0]!;
    await deliver([msg, other, msg]);
    expect(await rowsListed(tenant)).toBe(6);
    expect(await historyCount(tenant)).toBe(6);
  });

  it("messages of two tenants in one batch get a part each, under their own prefixes", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await deliver([...singles(a, 3), ...singles(b, 2), ...singles(a, 1)]);
    const [pa, pb] = [await catalogParts(a), await catalogParts(b)];
    expect(pa.map((p) => p.rows)).toEqual([4]);
    expect(pb.map((p) => p.rows)).toEqual([2]);
    expect(pa.every((p) => p.key.startsWith(`tenants/${a}/`))).toBe(true);
    expect(pb.every((p) => p.key.startsWith(`tenants/${b}/`))).toBe(true);
  });
});

function bound(target: object, prop: string | symbol) {
  const value = Reflect.get(target, prop, target);
  return typeof value === "function" ? value.bind(target) : value;
}
