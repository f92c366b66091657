import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { pageCsp } from "./page-csp";
import { REFERENCE_PAGE } from "./reference-page";

type Doc = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/**
 * The document is built from the app that serves it (so every route registered anywhere
 * appears), once per isolate.
 */
export function openapiHandler(app: () => OpenAPIHono<AppEnv>) {
  let doc: Doc | undefined;
  return (c: Context<AppEnv>) => {
    doc ??= app().getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "edge-ml API",
        version: c.env.SERVICE_VERSION,
        description:
          "Multi-tenant recommendations, search, embeddings and classification at the edge. " +
          "Authenticate with `Authorization: Bearer <API key or access token>`. " +
          "Errors use one envelope: `{ error: { code, message, details, request_id, correlation_id, timestamp } }`.",
      },
    });
    return c.json(doc, 200);
  };
}

let csp: Promise<string> | undefined;

/** The page with its hash-based CSP (computed once per isolate); the security-headers middleware keeps it. */
export async function referenceHandler(c: Context<AppEnv>) {
  csp ??= pageCsp(REFERENCE_PAGE);
  c.header("Content-Security-Policy", await csp);
  return c.html(REFERENCE_PAGE, 200);
}
