import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createEdgeMlClient, unwrap, type EdgeMlClient } from "@edge-ml/client";
import { startStack, type Stack } from "../../../scripts/lib/stack";

/**
 * One platform (`npm start`, sample data, the first recommender and classifier trained) and
 * one Chromium for every console step module; each module gets this through register(h).
 */
export type Role = "admin" | "viewer";
export type Violation = { id: string; impact: string; help: string; nodes: string[] };

export type ConsoleHarness = {
  stack: Stack;
  browser: Browser;
  /** A page logged in as the admin of credentials.json (through the login form). */
  admin: Page;
  /** A fresh browser context logged in as `role` through the login form (the viewer is invited on first use). */
  login(role: Role): Promise<Page>;
  /** A full-page PNG under test/e2e/console/screenshots/<name>.png; prints its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** axe-core's serious and critical violations on the page as it is now. */
  axe(page: Page): Promise<Violation[]>;
  /** Goes to a console path and waits until the page's heading is rendered. */
  open(page: Page, path: string): Promise<void>;
  /** Script errors and CSP refusals seen on any page so far. */
  problems: string[];
  /** The typed client with the admin API key. */
  api: EdgeMlClient;
  close(): Promise<void>;
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.resolve(import.meta.dirname, "screenshots");
const AXE = readFileSync(path.resolve(import.meta.dirname, "../../../node_modules/axe-core/axe.min.js"), "utf8");
export const VIEWER_PASSWORD = "viewer password for the console test";

export async function createHarness(port: number): Promise<ConsoleHarness> {
  // Enterprise: its /api/v1/model/* limit (100 a minute, not pro's 10) keeps the pages' waits on
  // 429s (pages/models/patiently.ts) out of the run's time; this run is about the pages, not limits.
  const stack = await startStack(port, { EDGE_ML_BOOTSTRAP_PLAN: "enterprise" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const api = createEdgeMlClient({ baseUrl: stack.base, token: stack.credentials.admin_api_key });
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });
  let viewerEmail: string | undefined;

  const ensureViewer = async (): Promise<string> => {
    if (viewerEmail) return viewerEmail;
    const email = "viewer@edge-ml.local";
    await unwrap(api.POST("/api/v1/users", { body: { email, role: "viewer" } }));
    // Under npm start the outbox's log line carries the invitation's text, token included (access/services/mail.ts).
    let token: string | undefined;
    const deadline = Date.now() + 10_000;
    while (!token && Date.now() < deadline) {
      token = stack.output().match(/as viewer\. Choose a password [^:]*: ([A-Za-z0-9._-]+)/)?.[1];
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    if (!token) throw new Error("no invitation token in the stack's log");
    await unwrap(api.POST("/api/v1/users/invitations/accept", { body: { token, password: VIEWER_PASSWORD } }));
    return (viewerEmail = email);
  };

  const open = async (page: Page, to: string) => {
    await page.goto(`${stack.base}${to}`);
    await page.locator("main h1").first().waitFor();
  };

  const login = async (role: Role): Promise<Page> => {
    const email = role === "admin" ? stack.credentials.admin_email : await ensureViewer();
    const password = role === "admin" ? stack.credentials.admin_password : VIEWER_PASSWORD;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`${role} ${page.url()}: ${String(e)}`));
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${role} ${page.url()}: ${m.text()}`);
    });
    await page.goto(`${stack.base}/app`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    return page;
  };

  const screenshot = async (page: Page, name: string) => {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    return file;
  };

  const axe = async (page: Page): Promise<Violation[]> => {
    // evaluate() runs outside the page's CSP (an injected <script> would be refused by script-src 'self').
    await page.evaluate(AXE);
    return page.evaluate(async () => {
      const w = window as unknown as {
        axe: {
          run(
            ctx: Document,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      };
      const result = await w.axe.run(document);
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
    });
  };

  const admin = await login("admin");
  return {
    stack,
    browser,
    admin,
    login,
    screenshot,
    axe,
    open,
    problems,
    api,
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await stack.stop();
    },
  };
}
