/**
 * The console's pages in navigation order: the server renders the nav from this list (so the
 * links exist before the script runs), and the client's page registry must name the same paths.
 */
export const CONSOLE_NAV = [
  { path: "/app", title: "Overview" },
  { path: "/app/keys", title: "API keys" },
  { path: "/app/data", title: "Data" },
  { path: "/app/models", title: "Models" },
  { path: "/app/experiments", title: "Experiments" },
  { path: "/app/classifier", title: "Classifier" },
  { path: "/app/try-it", title: "Try it" },
] as const;
