import { createRouter } from "../../lib/create-router";
import * as handlers from "./experiments.handlers";
import * as routes from "./experiments.routes";

export const experimentsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update);
