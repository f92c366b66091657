import { createRouter } from "../../lib/create-router";
import * as handlers from "./usage.handlers";
import * as routes from "./usage.routes";

export const usageRouter = createRouter().openapi(routes.getUsage, handlers.getUsage);
