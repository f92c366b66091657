import { createRouter } from "../../lib/create-router";
import * as handlers from "./jobs.handlers";
import * as routes from "./jobs.routes";

export const trainingRouter = createRouter()
  .openapi(routes.trigger, handlers.trigger)
  .openapi(routes.list, handlers.list)
  .openapi(routes.status, handlers.status)
  .openapi(routes.cancel, handlers.cancel);
