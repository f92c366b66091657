/**
 * Mail to an address (invitations). The platform has no mail sender yet: messages go to an
 * outbox in R2 (`mail/outbox/`), the local stand-in behind the one call a sender will
 * implement (Cloudflare Email Service), read locally by a developer or a test. What matters
 * for the callers is that the message goes to the address and never back to the requester.
 */
export type Mail = { to: string; subject: string; text: string; kind: string; token?: string };

export const OUTBOX_PREFIX = "mail/outbox/";

export async function sendMail(env: Pick<ApiEnv, "DATA">, mail: Mail): Promise<void> {
  const key = `${OUTBOX_PREFIX}${new Date().toISOString()}-${crypto.randomUUID()}.json`;
  await env.DATA.put(key, JSON.stringify(mail), { httpMetadata: { contentType: "application/json" } });
}
