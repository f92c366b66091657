import { createRouter } from "../../lib/create-router";
import * as handlers from "./debug.handlers";
import * as routes from "./debug.routes";

export const debugRouter = createRouter().openapi(routes.debugRanking, handlers.debugRanking);
