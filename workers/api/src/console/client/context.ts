import type { Child } from "hono/jsx";
import type { EdgeMlClient } from "./api";

export type ConsoleUser = { id: string; email: string; tenant_id: string; role: "admin" | "developer" | "viewer" };

/** What every page gets. canWrite is false for a viewer: pages must not render any control that changes state then. */
export type ConsoleContext = {
  api: EdgeMlClient;
  user: ConsoleUser;
  canWrite: boolean;
  navigate(path: string): void;
};

export type ConsolePage = {
  path: string;
  title: string;
  Component: (props: { ctx: ConsoleContext }) => Child;
};
