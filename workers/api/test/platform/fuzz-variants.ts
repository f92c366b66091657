import { Rng } from "@edge-ml/core/ml/random";

/**
 * Malformed requests generated from the OpenAPI document, one operation at a time. Pure and
 * seeded: the same document and seed give the same variants, so a failure reproduces.
 */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
};
export type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: Schema };
export type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
export type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};
export type Variant = { label: string; method: string; path: string; headers: Record<string, string>; body?: string };

/** The strings full-text search and id parsers choke on (FTS5 operators and quotes, SQL, traversal). */
export const NASTY_STRINGS = [
  '"a" OR b*',
  "NEAR(",
  "^",
  "a AND",
  '"',
  "*",
  ")(",
  "' OR 1=1 --",
  "../../etc/passwd",
  "\u0000\u0007\u001b[31m\u202e",
  "\ud800",
  "💩🔥",
  "x".repeat(200_000),
];

/** Path segments: invalid ids, encoded traversal and nulls, huge, FTS syntax. */
const NASTY_SEGMENTS = [
  "..",
  "%2e%2e",
  "%00",
  "%2F",
  "a".repeat(5000),
  "'%20OR%201=1%20--",
  "%E2%80%AE",
  "%F0%9F%92%A9",
  "NEAR(",
  "%22a%22%20OR%20b*",
  "%5E",
  "%25",
  "-1",
  "1e999",
  "null",
  "%E0%A4%A",
];

/** Query values: wrong types, out of range, FTS, control characters, bad encodings. */
const NASTY_QUERY = [
  "",
  "abc",
  "-1",
  "1e999",
  "0x10",
  "1.5",
  "true",
  "%22a%22%20OR%20b*",
  "NEAR(",
  "%5E",
  "a%20AND",
  "%00%1F",
  "%E0%A4%A",
  "x".repeat(8000),
];

export function resolve(doc: Doc, s: Schema | undefined): Schema | undefined {
  if (!s?.$ref) return s;
  return doc.components?.schemas?.[s.$ref.split("/").pop()!];
}

const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type);

/** A plausible value for a schema (as the reference page builds its examples). */
export function exampleOf(doc: Doc, schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (!s || depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf ?? s.allOf;
  if (alt) return exampleOf(doc, alt[0], depth + 1);
  const t = typeOf(s);
  if (t === "object" || s.properties) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleOf(doc, v, depth + 1)]));
  }
  if (t === "array") return [exampleOf(doc, s.items, depth + 1)];
  if (t === "integer" || t === "number") return 1;
  if (t === "boolean") return true;
  if (s.format === "uuid") return "00000000-0000-4000-8000-000000000000";
  if (s.format === "date-time") return "2026-01-01T00:00:00Z";
  return "abc";
}

/** A value of another JSON type than `v`. */
function flipped(v: unknown): unknown {
  if (typeof v === "string") return 12345;
  if (typeof v === "number") return "not-a-number";
  if (typeof v === "boolean") return "yes";
  if (Array.isArray(v)) return { not: "an array" };
  if (v && typeof v === "object") return "not-an-object";
  return [null];
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

function bodyVariants(doc: Doc, schema: Schema): [string, string][] {
  const s = resolve(doc, schema) ?? {};
  const base = exampleOf(doc, s) as Record<string, unknown>;
  const json = (v: unknown) => JSON.stringify(v);
  const out: [string, string][] = [
    ["malformed JSON", '{"a":'],
    ["top-level array", "[]"],
    ["top-level string", '"x"'],
    ["top-level null", "null"],
    ["empty object", "{}"],
    ["duplicate keys", '{"a":1,"a":2}'],
    ["deep object", json(nested(3000, 1, false))],
    ["deep array", json(nested(3000, 1, true))],
    ["prototype keys", `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},${json(base).slice(1)}`],
  ];
  if (!base || typeof base !== "object" || Array.isArray(base)) return out;
  for (const r of s.required ?? []) {
    const { [r]: _, ...rest } = base;
    out.push([`missing ${r}`, json(rest)]);
  }
  for (const [k, v] of Object.entries(base)) {
    out.push([`${k}: wrong type`, json({ ...base, [k]: flipped(v) })]);
    out.push([`${k}: deep nesting`, json({ ...base, [k]: nested(500, "x", false) })]);
    if (typeof v === "string")
      for (const bad of NASTY_STRINGS) out.push([`${k}: ${bad.slice(0, 12)}`, json({ ...base, [k]: bad })]);
    if (typeof v === "number")
      for (const bad of [-1, 0.5, 1e308, -1e308]) out.push([`${k}: ${bad}`, json({ ...base, [k]: bad })]);
    if (Array.isArray(v)) out.push([`${k}: 5000 elements`, json({ ...base, [k]: Array(5000).fill(v[0] ?? "x") })]);
  }
  return out;
}

/** Every malformed variant of one operation (many; `pick` chooses a seeded subset). */
export function variantsOf(doc: Doc, method: string, template: string, op: Operation): Variant[] {
  const params = op.parameters ?? [];
  const pathOf = (over: Record<string, string> = {}) =>
    template.replace(/\{([^}]+)\}/g, (_, name: string) => over[name] ?? "abc123");
  const query = (pairs: [string, string][]) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : "");
  const validQuery = params
    .filter((p) => p.in === "query" && p.required)
    .map((p) => [p.name, "abc"] as [string, string]);
  const v = (label: string, path: string, extra: Partial<Variant> = {}): Variant => ({
    label,
    method: method.toUpperCase(),
    path,
    headers: {},
    ...extra,
  });
  const out: Variant[] = [];
  for (const p of params.filter((p) => p.in === "path")) {
    for (const bad of NASTY_SEGMENTS)
      out.push(v(`path ${p.name}=${bad.slice(0, 16)}`, pathOf({ [p.name]: bad }) + query(validQuery)));
  }
  for (const p of params.filter((p) => p.in === "query")) {
    const others = validQuery.filter(([k]) => k !== p.name);
    for (const bad of NASTY_QUERY)
      out.push(v(`query ${p.name}=${bad.slice(0, 16)}`, pathOf() + query([...others, [p.name, bad]])));
    out.push(v(`query ${p.name} repeated`, pathOf() + query([...others, [p.name, "a"], [p.name, "b"]])));
  }
  for (const p of params.filter((p) => p.in === "header")) {
    out.push(v(`header ${p.name} huge`, pathOf() + query(validQuery), { headers: { [p.name]: "k".repeat(10_000) } }));
    out.push(v(`header ${p.name} latin1`, pathOf() + query(validQuery), { headers: { [p.name]: "\u00ff\u00e9 \t;" } }));
  }
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  if (schema) {
    const withBody = (label: string, body: string, type = "application/json") =>
      v(label, pathOf() + query(validQuery), { headers: { "content-type": type }, body });
    out.push(v("no body", pathOf() + query(validQuery)));
    out.push(withBody("text/plain body", JSON.stringify(exampleOf(doc, schema)), "text/plain"));
    for (const [label, body] of bodyVariants(doc, schema)) out.push(withBody(label, body));
  }
  // Whatever the operation: junk it does not expect.
  out.push(v("unknown query junk", pathOf() + query([...validQuery, ["%22a%22%20OR%20b*", "NEAR("], ["%00", "%5E"]])));
  out.push(v("huge query string", pathOf() + query([...validQuery, ["x", "y".repeat(8000)]])));
  out.push(v("bad percent-encoding", pathOf() + query([...validQuery, ["q", "%E0%A4%A"]])));
  if (!["get", "head"].includes(method.toLowerCase())) {
    out.push(
      v("json body it does not take", pathOf() + query(validQuery), {
        headers: { "content-type": "application/json" },
        body: "[[[[",
      }),
    );
  }
  out.push(v("accept html", pathOf() + query(validQuery), { headers: { accept: "text/html" } }));
  out.push(v("unicode path tail", `${pathOf()}/%F0%9F%92%A9`));
  out.push(
    v("correlation id junk", pathOf() + query(validQuery), { headers: { "x-correlation-id": "\u00ff".repeat(300) } }),
  );
  out.push(v("traceparent junk", pathOf() + query(validQuery), { headers: { traceparent: "00-zz-NEAR(-01" } }));
  // Parameters the operation does not declare, with every nasty value (routes must ignore them).
  for (const bad of NASTY_QUERY) {
    out.push(
      v(
        `undeclared q/limit=${bad.slice(0, 16)}`,
        pathOf() + query([...validQuery, ["q", bad], ["limit", bad], ["offset", bad]]),
      ),
    );
  }
  return out;
}

/** A seeded subset: at least `min` variants (all of them when there are fewer than `max`). */
export function pick(variants: Variant[], seed: number, max: number): Variant[] {
  const rng = new Rng(seed);
  const xs = [...variants];
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs.slice(0, max);
}
