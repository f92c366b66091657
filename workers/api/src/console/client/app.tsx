import { useEffect, useMemo, useState } from "hono/jsx/dom";
import { createEdgeMlClient } from "./api";
import { Loading } from "./components";
import type { ConsoleContext, ConsoleUser } from "./context";
import { LoginView } from "./login";
import { pages } from "./pages";
import { currentPath, navigate, onNavigate } from "./router";
import { currentToken, logOut, refresh } from "./session";

// The console calls the API of the origin it is served from, with the in-memory access token.
const api = createEdgeMlClient({ baseUrl: location.origin, getToken: currentToken });

/** Focus moves to the page's heading on navigation, so keyboard and screen-reader users land on the new page. */
function focusMain() {
  requestAnimationFrame(() => document.getElementById("root")?.focus());
}

export function App() {
  const [user, setUser] = useState<ConsoleUser | undefined>(undefined);
  const [checked, setChecked] = useState(false);
  const [path, setPath] = useState(currentPath());
  const expired = () => setUser(undefined);

  useEffect(() => onNavigate((p) => (setPath(p), focusMain())), []);
  // On load the access token is gone (memory only): the refresh cookie, when valid, brings a new one.
  useEffect(() => {
    void refresh(expired).then((u) => {
      setUser(u);
      setChecked(true);
    });
  }, []);

  const page = pages.find((p) => p.path === path);
  const ctx = useMemo<ConsoleContext | undefined>(
    () => (user ? { api, user, canWrite: user.role !== "viewer", navigate } : undefined),
    [user],
  );
  useEffect(() => {
    document.title = `${user ? (page?.title ?? "Not found") : "Log in"} · edge-ml console`;
  }, [user, page]);

  const link = (p: { path: string; title: string }) => (
    <li>
      <a
        href={p.path}
        aria-current={p.path === path ? "page" : undefined}
        onClick={(e: MouseEvent) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          navigate(p.path);
        }}
      >
        {p.title}
      </a>
    </li>
  );

  return (
    <>
      <a class="skip-link" href="#root">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">edge-ml console</span>
        {user && (
          <span class="whoami">
            <span>{`${user.email} (${user.role})`}</span>
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => void logOut().then(() => setUser(undefined))}
            >
              Log out
            </button>
          </span>
        )}
      </header>
      <div class="layout">
        {user && (
          <nav class="sidenav" aria-label="Console">
            <ul>{pages.map(link)}</ul>
          </nav>
        )}
        <main id="root" tabindex={-1}>
          {!checked ? (
            <Loading what="the console" />
          ) : !ctx ? (
            <LoginView onLogin={(u) => (setUser(u), focusMain())} onExpired={expired} />
          ) : page ? (
            <page.Component ctx={ctx} />
          ) : (
            <section>
              <h1>Page not found</h1>
              <p>
                <a href="/app">Back to the overview</a>
              </p>
            </section>
          )}
        </main>
      </div>
    </>
  );
}
