import { createRouter } from "../../lib/create-router";
import * as handlers from "./dead-letters.handlers";
import * as routes from "./dead-letters.routes";

export const deadLettersRouter = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.replay, handlers.replay);
