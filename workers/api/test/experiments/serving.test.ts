import { beforeAll, describe, expect, it } from "vitest";
import { seedTenant, type SeededTenant } from "../helpers";
import { waitFor } from "../ingest/ingest-helpers";
import { clientIp, post, waitForVectors } from "../serving/serving-helpers";
import { call } from "../helpers";
import { registerVersion } from "../training/model-helpers";
import { assign, createExperiment, experimentStub, send } from "./experiment-helpers";

/** A small catalogue: search scores differ by relevance; treatment's weights ignore relevance. */
const ITEMS = Array.from({ length: 12 }, (_, i) => ({
  item_id: `shoe-${i}`,
  title: i % 3 === 0 ? `Trail running shoe ${i}` : `Leather boot ${i}`,
  description: i % 2 ? "light and fast" : "warm and sturdy",
  category: "footwear",
  created_at: "2026-11-01T00:00:00Z",
}));

let t: SeededTenant;
let id: string;
/** One user of each variant, found through the assignment route (which also exposes them). */
const userOf: Record<string, string> = {};

async function fetchServed(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await call(path, { ...init, token: t.adminKey, headers: { "cf-connecting-ip": clientIp() } });
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  t = await seedTenant("exp-serving");
  const up = await post<{ accepted: number }>(t.adminKey, "/api/v1/items", { items: ITEMS });
  expect(up.body.accepted).toBe(ITEMS.length);
  await waitForVectors(t.tenantId, ITEMS.length);
  // Treatment ranks by freshness alone.
  id = await createExperiment(t, {
    variants: { control: { config: {} }, treatment: { config: { ranking_weights: [0, 0, 0, 1] } } },
  });
  for (let i = 0; Object.keys(userOf).length < 2; i++) {
    const r = await assign(t.adminKey, id, `shopper-${i}`);
    userOf[r.body.variant] ??= `shopper-${i}`;
  }
}, 60_000);

describe("experiments applied by serving", () => {
  it("/search applies the user's variant and says which in headers", async () => {
    const scores: Record<string, number[]> = {};
    for (const variant of ["control", "treatment"]) {
      const { res, body } = await fetchServed(`/search?q=running%20shoe&k=5&user_id=${userOf[variant]}`);
      expect(res.headers.get("X-Experiment-Id")).toBe(id);
      expect(res.headers.get("X-Experiment-Variant")).toBe(variant);
      scores[variant] = (body as { score: number }[]).map((r) => r.score);
    }
    // Neither user has a history: control ranks as production does for an anonymous reader, treatment does not.
    const anonymous = await fetchServed("/search?q=running%20shoe&k=5");
    expect(anonymous.res.headers.get("X-Experiment-Variant")).toBeNull();
    expect(scores.control).toEqual((anonymous.body as { score: number }[]).map((r) => r.score));
    expect(scores.treatment).not.toEqual(scores.control);
  });

  it("/recommend/{user_id} and /api/v1/recommendations apply it too; the latter names it in metadata", async () => {
    const rec = await fetchServed(`/recommend/${userOf.treatment}?k=5`);
    expect(rec.res.headers.get("X-Experiment-Variant")).toBe("treatment");
    const pub = await fetchServed("/api/v1/recommendations", {
      method: "POST",
      body: { user_id: userOf.control, count: 5 },
    });
    expect(pub.res.headers.get("X-Experiment-Variant")).toBe("control");
    expect((pub.body as { metadata: { experiment: unknown } }).metadata.experiment).toEqual({
      experiment_id: id,
      variant: "control",
    });
  });

  it("records serving's exposures off the response path, and new users are counted once", async () => {
    const before = await experimentStub(t.tenantId, id).aggregates(["control", "treatment"]);
    const fresh = Array.from({ length: 6 }, (_, i) => `walk-in-${i}`);
    for (const u of fresh) await fetchServed(`/recommend/${u}?k=3`);
    for (const u of fresh) await fetchServed(`/recommend/${u}?k=3`);
    const after = await waitFor(
      () => experimentStub(t.tenantId, id).aggregates(["control", "treatment"]),
      (a) => a.control!.users + a.treatment!.users === before.control!.users + before.treatment!.users + fresh.length,
    );
    expect(after.control!.exposures + after.treatment!.exposures).toBeGreaterThanOrEqual(
      before.control!.exposures + before.treatment!.exposures + 2 * fresh.length,
    );
    for (const u of fresh) {
      const sticky = await experimentStub(t.tenantId, id).stickyVariant(u);
      expect((await assign(t.adminKey, id, u)).body.variant).toBe(sticky);
    }
  });

  it("stops applying a paused experiment at once in this isolate", async () => {
    await send(t.adminKey, "PATCH", `/experiments/${id}`, { status: "paused" });
    const { res } = await fetchServed(`/search?q=boot&k=3&user_id=${userOf.treatment}`);
    expect(res.headers.get("X-Experiment-Variant")).toBeNull();
    await send(t.adminKey, "PATCH", `/experiments/${id}`, { status: "running" });
    const again = await fetchServed(`/search?q=boot&k=3&user_id=${userOf.treatment}`);
    expect(again.res.headers.get("X-Experiment-Variant")).toBe("treatment");
  });

  it("leaves a tenant without experiments untouched", async () => {
    const other = await seedTenant("exp-none");
    const res = await call("/recommend/someone?k=3", {
      token: other.adminKey,
      headers: { "cf-connecting-ip": clientIp() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Experiment-Variant")).toBeNull();
  });

  it("serves a variant's recommender version, published when the experiment is created", async () => {
    const m = await seedTenant("exp-model");
    await registerVersion(m.tenantId, "als-challenger");
    const exp = await createExperiment(m, {
      surfaces: ["recommend"],
      variants: { control: { config: {} }, treatment: { config: { model_version: "als-challenger" } } },
    });
    const seen: Record<string, string | null> = {};
    for (let i = 0; Object.keys(seen).length < 2; i++) {
      const res = await call(`/recommend/reader-${i}?k=2`, {
        token: m.adminKey,
        headers: { "cf-connecting-ip": clientIp() },
      });
      expect(res.status).toBe(200);
      seen[res.headers.get("X-Experiment-Variant")!] = res.headers.get("X-Model-Version");
    }
    expect(seen.treatment).toBe("als-challenger");
    expect(seen.control).not.toBe("als-challenger");
    expect((await send(m.adminKey, "GET", `/experiments/${exp}`)).body.surfaces).toEqual(["recommend"]);
  });
});
