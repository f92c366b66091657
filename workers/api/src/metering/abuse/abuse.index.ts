import { createRouter } from "../../lib/create-router";
import * as handlers from "./abuse.handlers";
import * as routes from "./abuse.routes";

export const abuseRouter = createRouter().openapi(routes.listFlags, handlers.listFlags);
