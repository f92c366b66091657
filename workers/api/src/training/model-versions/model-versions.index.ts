import { createRouter } from "../../lib/create-router";
import * as handlers from "./model-versions.handlers";
import * as routes from "./model-versions.routes";

export const modelVersionsRouter = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.deploy, handlers.deploy)
  .openapi(routes.rollback, handlers.rollback);
