import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call } from "../helpers";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
};

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists every route the app serves", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");

    const served = createApp()
      .routes.filter((r) => r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(new Set(served).size).toBeGreaterThan(10);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });

  it("resolves every $ref to a component", async () => {
    const text = await (await call("/openapi.json")).text();
    const doc = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of new Set(refs)) expect(doc.components.schemas, name).toHaveProperty(name);
  });

  it("marks authenticated routes with bearer security and documents their errors", async () => {
    const doc = (await (await call("/openapi.json")).json()) as Doc;
    const keys = doc.paths["/api/v1/api-keys"]!;
    expect(keys.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(keys.post!.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403"]));
    expect(doc.paths["/health"]!.get!.security).toBeUndefined();
  });

  it("serves a browsable reference page", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("/openapi.json");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });
});
