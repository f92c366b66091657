import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { headlines, registerClassifier } from "../classify/classify-helpers";
import { seedTenant } from "../helpers";
import { pick, variantsOf, type Doc, type Variant } from "./fuzz-variants";

/**
 * Every operation of /openapi.json, sent malformed requests with valid credentials: no
 * answer may be a 5xx, and every 4xx is the contract's envelope (platform-api.md section 8).
 * Seeded (fuzz-variants.ts), so a failure names a variant that reproduces. Each operation
 * gets its own tenant, so one operation's tenant-wide limits never refuse another's, and a
 * fresh client IP per request keeps per-IP limits out of the way (a 429 would still have to
 * be an envelope).
 */
const SEED = 20_261_401;
/** Of about 50 variants per operation; all of them (2,300 requests) pass too, in about 25 s. */
const PER_OPERATION = 32;
const CONCURRENCY = 6;
const BASE = "https://api.edge-ml.test";

type Failure = { op: string; variant: string; status: number; why: string };
let ip = 0;

function envelopeProblem(status: number, text: string): string | undefined {
  let body: { error?: Record<string, unknown> };
  try {
    body = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const e = body.error;
  if (!e || typeof e !== "object") return "no error object";
  if (typeof e.code !== "string" || !/^[A-Z_]+$/.test(e.code)) return `bad code ${String(e.code)}`;
  if (typeof e.message !== "string" || !e.message) return "no message";
  if (!e.details || typeof e.details !== "object" || Array.isArray(e.details)) return "details not an object";
  if (typeof e.request_id !== "string" || typeof e.correlation_id !== "string") return "no request/correlation id";
  if (typeof e.timestamp !== "string" || Number.isNaN(Date.parse(e.timestamp))) return "no timestamp";
  if (status === 400 && e.code !== "VALIDATION_ERROR") return `400 with ${e.code}`;
  return undefined;
}

async function send(v: Variant, token: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "cf-connecting-ip": `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
    ...v.headers,
  };
  const res = await SELF.fetch(`${BASE}${v.path}`, { method: v.method, headers, body: v.body });
  return { status: res.status, text: v.method === "HEAD" ? "" : await res.text() };
}

async function inBatches<T>(xs: T[], n: number, each: (x: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < xs.length; i += n) await Promise.all(xs.slice(i, i + n).map(each));
}

describe("fuzz: malformed requests to every operation of /openapi.json", () => {
  it("never answer 5xx, and every 4xx is the contract's error envelope", async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThan(40);

    const failures: Failure[] = [];
    let sent = 0;
    await inBatches(operations, 3, async ({ path, method, op }) => {
      const name = `${method.toUpperCase()} ${path}`;
      const index = operations.findIndex((o) => o.path === path && o.method === method);
      const variants = pick(variantsOf(doc, method, path, op), SEED + index, PER_OPERATION);
      expect(variants.length, name).toBeGreaterThanOrEqual(20);
      const t = await seedTenant(`fuzz-${index}`, "active", "enterprise");
      // The classification routes answer 503 without a deployed classifier (a documented state,
      // not a failure): their tenants get one, so fuzzed inputs reach a real model.
      if (path.startsWith("/api/v1/predict"))
        await registerClassifier(t.tenantId, "cls-fuzz", headlines(5, index), true);
      await inBatches(variants, CONCURRENCY, async (v) => {
        const { status, text } = await send(v, t.adminKey);
        sent++;
        if (status >= 500) failures.push({ op: name, variant: v.label, status, why: text.slice(0, 300) });
        else if (status >= 400) {
          const why = envelopeProblem(status, text);
          if (why) failures.push({ op: name, variant: v.label, status, why });
        }
      });
    });
    expect(sent).toBeGreaterThanOrEqual(operations.length * 20);
    // As JSON: a variant may hold a lone surrogate, which the test runner's channel cannot carry raw.
    expect(JSON.stringify(failures)).toBe("[]");
  }, 120_000);
});
