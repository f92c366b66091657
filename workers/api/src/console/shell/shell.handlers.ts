import type { Context } from "hono";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { CONSOLE_BUNDLE } from "../assets/bundle.generated";
import { ensureCsrfCookie } from "../session/session.cookies";
import { CONSOLE_CSP } from "./console-csp";
import { shellHtml } from "./shell-page";

/** The same shell for every /app path: the client routes. Not cached (a deploy changes its asset names). */
export function shell(c: Context<AppEnv>) {
  ensureCsrfCookie(c);
  c.header("Content-Security-Policy", CONSOLE_CSP);
  return c.html(shellHtml(CONSOLE_BUNDLE, c.req.path.replace(/\/+$/, "") || "/app"), 200);
}

/** A bundle file under its content-hashed name: the name changes whenever the content does, so it is cached forever. */
export function asset(c: Context<AppEnv>) {
  const file = CONSOLE_BUNDLE.files[c.req.param("file") ?? ""];
  if (!file) throw errors.notFound("Console asset");
  c.header("Content-Type", file.type);
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(file.body, 200);
}

export const toConsole = (c: Context<AppEnv>) => c.redirect("/app", 302);
