import { createRouter } from "../../lib/create-router";
import * as handlers from "./session.handlers";
import * as routes from "./session.routes";

export const consoleSessionRouter = createRouter()
  .openapi(routes.login, handlers.login)
  .openapi(routes.refresh, handlers.refresh)
  .openapi(routes.logout, handlers.logout);
