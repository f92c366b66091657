import type { CheckStatus } from "../schemas/health";

/** First use in this isolate (Date.now() is frozen at 0 in a Worker's global scope). */
let startedAt: number | undefined;

/**
 * `GET /health` for the internal workers (ingest, trainer-dispatch), which have no
 * public routes: the same shape as the api's, any other path a 404 in the envelope.
 */
export async function workerHealth(
  request: Request,
  service: string,
  version: string,
  checks: Record<string, () => Promise<CheckStatus>>,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== "/health") {
    const error = {
      code: "NOT_FOUND",
      message: `No route for ${request.method} ${url.pathname}`,
      details: {},
      request_id: crypto.randomUUID(),
      correlation_id: request.headers.get("x-correlation-id") ?? crypto.randomUUID(),
      timestamp: new Date().toISOString(),
    };
    return Response.json({ error }, { status: 404 });
  }
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((n) => checks[n]!()));
  const dependencies = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  const status: CheckStatus = results.every((r) => r === "healthy") ? "healthy" : "unhealthy";
  const body = {
    status,
    service,
    version,
    uptime_seconds: Math.floor((Date.now() - (startedAt ??= Date.now())) / 1000),
    timestamp: new Date().toISOString(),
    checks: { ...dependencies, dependencies: status },
    dependencies,
  };
  return Response.json(body, { status: status === "healthy" ? 200 : 503 });
}
