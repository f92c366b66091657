import { ItemInput } from "@edge-ml/core/schemas";
import { createRouter } from "../../lib/create-router";
import * as handlers from "./events.handlers";
import * as routes from "./events.routes";

const router = createRouter();
// Bulk bodies validate rows one by one in the handler; the row schema is documented by reference.
router.openAPIRegistry.register("Item", ItemInput);

export const ingestRouter = router
  .openapi(routes.postInteraction, handlers.postInteraction)
  .openapi(routes.postItems, handlers.postItems)
  .openapi(routes.bulkItems, handlers.bulkItems)
  .openapi(routes.bulkInteractions, handlers.bulkInteractions);
