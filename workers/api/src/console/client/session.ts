import type { ConsoleUser } from "./context";

/**
 * The console's login. The refresh token lives in an HttpOnly cookie the script never sees;
 * the access token only in this module's memory (gone on reload, when refresh() gets a new
 * one from the cookie). Every session call echoes the CSRF cookie in X-CSRF-Token.
 */
type Session = { access_token: string; expires_in: number; user: ConsoleUser };

let accessToken: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

export const currentToken = (): string | undefined => accessToken;

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)edgeml_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : "";
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrfToken(), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The contract's error message, for the login form. */
async function failure(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return new Error(body?.error?.message ?? `HTTP ${res.status}`);
}

function keep(session: Session, onExpired: () => void): ConsoleUser {
  accessToken = session.access_token;
  clearTimeout(timer);
  // Refresh a minute before the access token expires, so calls never carry an expired one.
  timer = setTimeout(
    () => void refresh(onExpired).then((u) => u ?? onExpired()),
    Math.max(10, session.expires_in - 60) * 1000,
  );
  return session.user;
}

export async function logIn(email: string, password: string, onExpired: () => void): Promise<ConsoleUser> {
  const res = await post("/console/session", { email, password });
  if (!res.ok) throw await failure(res);
  return keep((await res.json()) as Session, onExpired);
}

/** A fresh access token from the refresh cookie; undefined when there is no valid session. */
export async function refresh(onExpired: () => void): Promise<ConsoleUser | undefined> {
  const res = await post("/console/session/refresh");
  if (!res.ok) {
    accessToken = undefined;
    return undefined;
  }
  return keep((await res.json()) as Session, onExpired);
}

export async function logOut(): Promise<void> {
  clearTimeout(timer);
  accessToken = undefined;
  await post("/console/session/logout");
}
