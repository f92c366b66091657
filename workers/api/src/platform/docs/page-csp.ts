/**
 * The reference page's Content-Security-Policy: its one inline script and one inline style
 * are allowed by their SHA-256 hashes (computed from the page itself, so an edit of the page
 * can never leave a stale hash), and it may fetch only its own origin (`/openapi.json`).
 * No 'unsafe-inline', no external origin, no frames.
 */
function inlineBlocks(html: string, tag: "script" | "style"): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
}

async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

export async function pageCsp(html: string): Promise<string> {
  const scripts = await Promise.all(inlineBlocks(html, "script").map(sha256Source));
  const styles = await Promise.all(inlineBlocks(html, "style").map(sha256Source));
  return [
    "default-src 'none'",
    `script-src ${scripts.join(" ") || "'none'"}`,
    `style-src ${styles.join(" ") || "'none'"}`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
