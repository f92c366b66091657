import { createRouter } from "../../lib/create-router";
import * as handlers from "./shadow.handlers";
import * as routes from "./shadow.routes";

export const shadowRouter = createRouter()
  .openapi(routes.search, handlers.search)
  .openapi(routes.recommend, handlers.recommend)
  .openapi(routes.report, handlers.report);
