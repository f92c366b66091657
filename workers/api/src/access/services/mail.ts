/**
 * Mail to an address (invitations). The platform has no mail sender yet: messages go to an
 * outbox in R2 (`mail/outbox/`), the local stand-in behind the one call a sender will
 * implement (Cloudflare Email Service), read locally by a developer or a test. What matters
 * for the callers is that the message goes to the address and never back to the requester.
 */
import { API_SERVICE, backgroundLogger } from "../../lib/logger";

export type Mail = { to: string; subject: string; text: string; kind: string; token?: string };

export const OUTBOX_PREFIX = "mail/outbox/";

/**
 * Until a sender exists, every message is also announced in the log, so it is visibly not
 * delivered: an operator fetches it from the outbox (`wrangler r2 object get`). Under
 * `npm start` (ENVIRONMENT development) the line carries the text, token included, so a
 * developer can accept an invitation from the console; elsewhere a log never holds a token.
 */
export async function sendMail(env: Pick<ApiEnv, "DATA" | "ENVIRONMENT">, mail: Mail): Promise<void> {
  const key = `${OUTBOX_PREFIX}${new Date().toISOString()}-${crypto.randomUUID()}.json`;
  await env.DATA.put(key, JSON.stringify(mail), { httpMetadata: { contentType: "application/json" } });
  backgroundLogger(API_SERVICE).warn("No mail sender is configured: the message waits in the R2 outbox", {
    to: mail.to,
    subject: mail.subject,
    outbox_key: key,
    ...(env.ENVIRONMENT === "development" ? { text: mail.text } : {}),
  });
}
