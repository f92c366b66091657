/**
 * History-API routing: every /app path is served the same shell, so a link, a reload and
 * the back button all land on the page the address names.
 */
const listeners = new Set<(path: string) => void>();

export const currentPath = (): string => location.pathname.replace(/\/+$/, "") || "/app";

export function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, "", path);
  for (const l of listeners) l(currentPath());
}

export function onNavigate(listener: (path: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

addEventListener("popstate", () => {
  for (const l of listeners) l(currentPath());
});
