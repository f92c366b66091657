import { createRouter } from "../../lib/create-router";
import * as handlers from "./retrain-check.handlers";
import * as routes from "./retrain-check.routes";

export const retrainCheckRouter = createRouter()
  .openapi(routes.check, handlers.check)
  .openapi(routes.runs, handlers.runs);
