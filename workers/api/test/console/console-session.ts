import { call } from "../helpers";

/** The console's origin as the tests call it (helpers' call() uses this host), and a CSRF token its shell would have set. */
export const ORIGIN = "https://api.edge-ml.test";
export const CSRF = "test-csrf-token-0123456789abcdef";

let client = 0;

/** A browser's request to a session route: same origin, the CSRF cookie and header, and the given cookies. */
export function sessionCall(
  path: string,
  opts: { body?: unknown; cookies?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const cookies = { edgeml_csrf: CSRF, ...opts.cookies };
  return call(path, {
    method: "POST",
    body: opts.body,
    headers: {
      origin: ORIGIN,
      "sec-fetch-site": "same-origin",
      "x-csrf-token": CSRF,
      cookie: Object.entries(cookies)
        .map(([k, v]) => `${k}=${v}`)
        .join("; "),
      // Login is limited per client IP: each test logs in from an address of its own.
      "cf-connecting-ip": `198.51.100.${++client % 250}`,
      ...opts.headers,
    },
  });
}

/** The Set-Cookie line for `name`, split into its value and attributes (lower-cased names). */
export function setCookie(res: Response, name: string): { value: string; attrs: Record<string, string> } | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(/;\s*/);
  return {
    value: decodeURIComponent(pair!.slice(name.length + 1)),
    attrs: Object.fromEntries(attrs.map((a) => [a.split("=")[0]!.toLowerCase(), a.split("=")[1] ?? ""])),
  };
}
