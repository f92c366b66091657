import { createRoute } from "@hono/zod-openapi";
import {
  AcceptInvitationRequest,
  CreateUserRequest,
  UserInvitation,
  UserList,
  UserRecord,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Users"];
const adminOnly = [authenticate(), requirePermission("admin")];

export const list = createRoute({
  method: "get",
  path: "/api/v1/users",
  tags,
  summary: "List the tenant's dashboard users",
  security: bearerSecurity,
  middleware: adminOnly,
  responses: { 200: jsonContent(UserList, "Users"), ...errorResponses(401, 403) },
});

export const create = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags,
  summary: "Invite a dashboard user into the caller's tenant (tenant admin)",
  description:
    "The invitation goes to the address, which chooses its password on accepting. The answer is the same whether or not the address has an account in another tenant; 409 only for a user of the caller's own tenant.",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { body: jsonBody(CreateUserRequest) },
  responses: {
    202: jsonContent(UserInvitation, "Invited"),
    ...errorResponses(400, 401, 403, 409, 413, 415),
  },
});

export const accept = createRoute({
  method: "post",
  path: "/api/v1/users/invitations/accept",
  tags,
  summary: "Accept an invitation: create the invited user with the password they choose",
  request: { body: jsonBody(AcceptInvitationRequest) },
  responses: {
    201: jsonContent(UserRecord, "Created"),
    ...errorResponses(400, 401, 403, 409, 413, 415),
  },
});
