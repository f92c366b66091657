import { createRouter } from "../../lib/create-router";
import * as handlers from "./challengers.handlers";
import * as routes from "./challengers.routes";

export const challengersRouter = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.put, handlers.put)
  .openapi(routes.remove, handlers.remove);
