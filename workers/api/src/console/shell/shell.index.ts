import { createRouter } from "../../lib/create-router";
import * as handlers from "./shell.handlers";
import * as routes from "./shell.routes";

/** The console's pages and assets: HTML for people, documented like every other route of the app. */
export const consoleShellRouter = createRouter()
  .openapi(routes.root, handlers.toConsole as never)
  .openapi(routes.dashboard, handlers.toConsole as never)
  .openapi(routes.asset, handlers.asset as never)
  .openapi(routes.overview, handlers.shell as never)
  .openapi(routes.consolePage, handlers.shell as never);
