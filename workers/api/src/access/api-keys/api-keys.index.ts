import { createRouter } from "../../lib/create-router";
import * as handlers from "./api-keys.handlers";
import * as routes from "./api-keys.routes";

export const apiKeysRouter = createRouter()
  .openapi(routes.v1List, handlers.v1List)
  .openapi(routes.v1Create, handlers.v1Create)
  .openapi(routes.v1Revoke, handlers.v1Revoke)
  .openapi(routes.authList, handlers.authList)
  .openapi(routes.authCreate, handlers.authCreate)
  .openapi(routes.authRevoke, handlers.authRevoke);
