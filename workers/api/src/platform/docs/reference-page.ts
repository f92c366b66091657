/**
 * A self-contained API reference: it fetches /openapi.json and renders operations by
 * tag with their parameters, bodies and responses. No CDN, so it works offline and
 * under a strict CSP. Spec text is inserted with textContent only.
 */
export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edge-ml API reference</title>
<style>
  :root { --fg:#1d2330; --muted:#5b6478; --line:#e3e7ef; --bg:#f7f9fc; --accent:#f38020; }
  * { box-sizing:border-box; }
  body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); display:flex; min-height:100vh; }
  nav { width:260px; flex:none; background:var(--bg); border-right:1px solid var(--line); padding:20px; position:sticky; top:0; height:100vh; overflow:auto; }
  nav h1 { font-size:18px; margin:0 0 4px; } nav .ver { color:var(--muted); font-size:13px; margin-bottom:16px; }
  nav a { display:block; color:var(--fg); text-decoration:none; padding:3px 0; font-size:14px; }
  nav a:hover { color:var(--accent); }
  main { flex:1; padding:24px 40px; max-width:1100px; }
  .intro { color:var(--muted); margin-bottom:24px; }
  h2 { border-bottom:2px solid var(--line); padding-bottom:6px; margin-top:36px; }
  details.op { border:1px solid var(--line); border-radius:8px; margin:10px 0; background:#fff; }
  details.op > summary { cursor:pointer; padding:10px 14px; display:flex; gap:12px; align-items:center; list-style:none; }
  .m { font:600 12px ui-monospace, monospace; padding:3px 8px; border-radius:4px; color:#fff; min-width:64px; text-align:center; }
  .get{background:#2f7de1}.post{background:#1f9d55}.delete{background:#d64545}.put,.patch{background:#b7791f}
  .path { font-family:ui-monospace, monospace; font-weight:600; }
  .sum { color:var(--muted); }
  .lock { margin-left:auto; font-size:12px; color:var(--muted); }
  .body { padding:0 16px 14px; border-top:1px solid var(--line); }
  table { border-collapse:collapse; width:100%; font-size:14px; margin:6px 0; }
  td, th { text-align:left; border-bottom:1px solid var(--line); padding:5px 8px; vertical-align:top; }
  pre { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:10px; overflow:auto; font-size:13px; }
  h4 { margin:14px 0 4px; }
  code { font:13px ui-monospace, monospace; background:var(--bg); border:1px solid var(--line); border-radius:4px; padding:0 4px; }
</style>
</head>
<body>
<nav><h1>edge-ml API</h1><div class="ver" id="ver"></div><div id="toc"></div>
<p><a href="/openapi.json">openapi.json</a></p></nav>
<main><div class="intro" id="intro">Loading /openapi.json...</div><div id="ops"></div></main>
<script>
(async () => {
  const el = (tag, attrs = {}, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    for (const kid of kids) n.append(kid instanceof Node ? kid : document.createTextNode(String(kid ?? "")));
    return n;
  };
  // Inline code in descriptions: text between backticks becomes <code>, all as text nodes.
  const md = (text) => {
    const span = document.createElement("span");
    String(text || "").split("\`").forEach((part, i) => span.append(i % 2 ? el("code", {}, part) : part));
    return span;
  };
  const spec = await (await fetch("/openapi.json")).json();
  const resolve = (s) => (s && s.$ref ? spec.components.schemas[s.$ref.split("/").pop()] : s);
  const example = (s, depth = 0) => {
    s = resolve(s);
    if (!s || depth > 6) return null;
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum[0];
    if (s.anyOf || s.oneOf) return example((s.anyOf || s.oneOf)[0], depth + 1);
    if (s.type === "object" || s.properties) {
      const o = {};
      for (const [k, v] of Object.entries(s.properties || {})) o[k] = example(v, depth + 1);
      return o;
    }
    if (s.type === "array") return [example(s.items, depth + 1)];
    if (s.type === "integer" || s.type === "number") return 0;
    if (s.type === "boolean") return true;
    if (s.type === "null") return null;
    return s.format === "date-time" ? "2026-01-01T00:00:00Z" : "string";
  };
  const schemaBlock = (s) => el("pre", {}, JSON.stringify(example(s), null, 2));
  document.getElementById("ver").textContent = "version " + spec.info.version + " - OpenAPI " + spec.openapi;
  document.getElementById("intro").replaceChildren(md(spec.info.description));
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const toc = document.getElementById("toc"), ops = document.getElementById("ops");
  for (const [tag, list] of byTag) {
    const id = "tag-" + tag.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    toc.append(el("a", { href: "#" + id }, tag + " (" + list.length + ")"));
    ops.append(el("h2", { id }, tag));
    for (const { path, method, op } of list) {
      const body = el("div", { class: "body" });
      if (op.description) body.append(el("p", {}, md(op.description)));
      if (op.parameters && op.parameters.length) {
        const t = el("table", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Required"), el("th", {}, "Schema")));
        for (const p of op.parameters) {
          const s = resolve(p.schema) || {};
          t.append(el("tr", {}, el("td", {}, p.name), el("td", {}, p.in), el("td", {}, p.required ? "yes" : "no"),
            el("td", {}, [s.type, s.format, s.pattern && "pattern " + s.pattern, s.maxLength && "max " + s.maxLength].filter(Boolean).join(", "))));
        }
        body.append(el("h4", {}, "Parameters"), t);
      }
      const rb = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
      if (rb) body.append(el("h4", {}, "Request body (application/json)"), schemaBlock(rb.schema));
      body.append(el("h4", {}, "Responses"));
      for (const [status, r] of Object.entries(op.responses || {})) {
        body.append(el("div", {}, el("strong", {}, status + " "), r.description || ""));
        const c = r.content && (r.content["application/json"]);
        if (c && c.schema) body.append(schemaBlock(c.schema));
      }
      const secured = op.security && op.security.length ? "Bearer" : "public";
      ops.append(el("details", { class: "op" },
        el("summary", {}, el("span", { class: "m " + method }, method.toUpperCase()), el("span", { class: "path" }, path),
          el("span", { class: "sum" }, op.summary || ""), el("span", { class: "lock" }, secured)), body));
    }
  }
})().catch((e) => { document.getElementById("intro").textContent = "Could not load /openapi.json: " + e; });
</script>
</body>
</html>`;
