import { describe, expect, it } from "vitest";
import { Accumulator } from "../metrics/accumulator";
import { TenantBound } from "../metrics/bounds";
import { describeSql, renderExposition } from "../metrics/exposition";
import { COUNTED, indexSizeBucket, OTHER_TENANT } from "../metrics/families";

describe("metrics exposition (Prometheus text 0.0.4)", () => {
  it("renders HELP, TYPE, escaped labels in the family's order, and cumulative histogram buckets", () => {
    const acc = new Accumulator();
    acc.count(COUNTED.httpRequests, ["backend-api", '/a"b\\c', "GET", "200"], 2);
    for (const v of [0.0005, 0.003, 0.003, 20]) acc.observe(COUNTED.httpDuration, ["backend-api", "/x", "GET"], v);
    const { counters, histograms } = acc.drain();
    expect(acc.size).toBe(0);
    const text = renderExposition([
      { family: COUNTED.httpRequests, samples: counters.map(([, labels, value]) => ({ labels, value })) },
      {
        family: COUNTED.httpDuration,
        histograms: histograms.map(([, labels, buckets, sum, count]) => ({ labels, buckets, sum, count })),
      },
    ]);
    const lines = text.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `# HELP http_requests_total ${COUNTED.httpRequests.help}`,
      "# TYPE http_requests_total counter",
      'http_requests_total{service="backend-api",endpoint="/a\\"b\\\\c",method="GET",status_code="200"} 2',
    ]);
    const bucket = (le: string) =>
      lines.find((l) =>
        l.startsWith(
          `http_request_duration_seconds_bucket{service="backend-api",endpoint="/x",method="GET",le="${le}"}`,
        ),
      );
    expect(bucket("0.001")).toMatch(/ 1$/);
    expect(bucket("0.0025")).toMatch(/ 1$/);
    expect(bucket("0.005")).toMatch(/ 3$/);
    expect(bucket("10")).toMatch(/ 3$/);
    expect(bucket("+Inf")).toMatch(/ 4$/);
    expect(lines.at(-1)).toBe(
      'http_request_duration_seconds_count{service="backend-api",endpoint="/x",method="GET"} 4',
    );
    expect(lines.at(-2)).toMatch(/^http_request_duration_seconds_sum\{.*\} 20\.006/);
  });

  it("a batch that could not be sent is restored whole", () => {
    const acc = new Accumulator();
    acc.count(COUNTED.cacheOperations, ["s", "get", "hit"]);
    acc.observe(COUNTED.recsPerRequest, ["t"], 10);
    const first = acc.drain();
    acc.count(COUNTED.cacheOperations, ["s", "get", "hit"]);
    acc.restore(first);
    const { counters, histograms } = acc.drain();
    expect(counters).toEqual([["cache_operations_total", ["s", "get", "hit"], 2]]);
    expect(histograms[0]?.[4]).toBe(1);
  });

  it("labels D1 statements by kind and first table", () => {
    expect(describeSql('select "id" from "api_keys" where "key_hash" = ?')).toEqual({
      queryType: "select",
      table: "api_keys",
    });
    expect(describeSql("INSERT OR IGNORE INTO usage_daily (a) VALUES (?)")).toEqual({
      queryType: "insert",
      table: "usage_daily",
    });
    expect(describeSql('update "tenants" set x = 1')).toEqual({ queryType: "update", table: "tenants" });
    expect(describeSql("DELETE FROM items WHERE id = ?")).toEqual({ queryType: "delete", table: "items" });
    expect(describeSql("WITH x AS (SELECT 1) SELECT * FROM x")).toEqual({ queryType: "select", table: "x" });
    expect(describeSql("PRAGMA table_list")).toEqual({ queryType: "other", table: "none" });
  });

  it("bounds tenants: the first ones keep their label, later ones are summed as _other", () => {
    const bound = new TenantBound(["t0"], 3);
    const admitted: string[] = [];
    const label = (t: string) => bound.bound(COUNTED.recsPerRequest, [t], (x) => admitted.push(x))[0];
    expect(["t0", "t1", "t2", "t3", "t1", "t4"].map(label)).toEqual([
      "t0",
      "t1",
      "t2",
      OTHER_TENANT,
      "t1",
      OTHER_TENANT,
    ]);
    expect(admitted).toEqual(["t1", "t2"]);
    // Families without tenant_id are left alone.
    expect(bound.bound(COUNTED.cacheOperations, ["s", "get", "hit"], () => {})).toEqual(["s", "get", "hit"]);
  });

  it("index_size is a power-of-ten bucket", () => {
    expect([undefined, 0, 999, 1000, 54_321, 999_999, 5_000_000].map(indexSizeBucket)).toEqual([
      "unknown",
      "lt_1k",
      "lt_1k",
      "1k_10k",
      "10k_100k",
      "100k_1m",
      "ge_1m",
    ]);
  });
});
