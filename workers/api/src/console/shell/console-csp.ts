/**
 * The console's Content-Security-Policy: its script and styles are files of its own origin
 * (no inline script or style), it talks only to its own origin (the API and the session
 * routes), and images are its own or data: URLs (uPlot draws on canvas; nothing else loads).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
