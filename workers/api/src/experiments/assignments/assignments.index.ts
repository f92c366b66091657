import { createRouter } from "../../lib/create-router";
import * as handlers from "./assignments.handlers";
import * as routes from "./assignments.routes";

export const assignmentsRouter = createRouter().openapi(routes.assign, handlers.assign);
