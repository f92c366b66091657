import { createRouter } from "../../lib/create-router";
import * as handlers from "./predict.handlers";
import * as routes from "./predict.routes";

export const predictRouter = createRouter()
  .openapi(routes.predict, handlers.predict)
  .openapi(routes.batch, handlers.batch);
