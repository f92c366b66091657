import { html } from "hono/html";
import { CONSOLE_NAV } from "../nav";

/**
 * The HTML every /app page starts as: a skip link, the header, the nav and an empty main
 * that the script fills. Rendered on the server with hono's escaping template; no inline
 * script or style, so the page's CSP can be 'self' only.
 */
export function shellHtml(assets: { script: string; style: string }, path: string) {
  const links = CONSOLE_NAV.map((p) =>
    p.path === path
      ? html`<li><a href="${p.path}" aria-current="page">${p.title}</a></li>`
      : html`<li><a href="${p.path}">${p.title}</a></li>`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>edge-ml console</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/app/assets/${assets.style}" />
        <script type="module" src="/app/assets/${assets.script}"></script>
      </head>
      <body>
        <div id="app">
          <a class="skip-link" href="#root">Skip to content</a>
          <header class="topbar"><span class="brand">edge-ml console</span></header>
          <div class="layout">
            <nav class="sidenav" aria-label="Console">
              <ul>
                ${links}
              </ul>
            </nav>
            <main id="root" tabindex="-1">
              <p>Loading the console…</p>
              <noscript>The console needs JavaScript.</noscript>
            </main>
          </div>
        </div>
      </body>
    </html>`;
}
