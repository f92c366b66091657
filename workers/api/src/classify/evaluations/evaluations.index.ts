import { createRouter } from "../../lib/create-router";
import * as handlers from "./evaluations.handlers";
import * as routes from "./evaluations.routes";

export const evaluationsRouter = createRouter()
  .openapi(routes.start, handlers.start)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.confusion, handlers.confusion);
