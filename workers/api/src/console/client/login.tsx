import { useState } from "hono/jsx/dom";
import { Button, ErrorBanner } from "./components";
import type { ConsoleUser } from "./context";
import { logIn } from "./session";

/** The login form: a dashboard user's email and password, sent to the console's cookie session. */
export function LoginView({ onLogin, onExpired }: { onLogin: (u: ConsoleUser) => void; onExpired: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await logIn(String(form.get("email")), String(form.get("password")), onExpired));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section class="login" aria-labelledby="login-title">
      <h1 id="login-title">Log in to the edge-ml console</h1>
      <form onSubmit={(e: Event) => void submit(e)}>
        <label for="login-email">Email</label>
        <input id="login-email" name="email" type="email" autocomplete="username" required />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required />
        <ErrorBanner error={error} />
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </Button>
      </form>
    </section>
  );
}
