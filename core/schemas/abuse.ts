import { z } from "@hono/zod-openapi";
import { IsoDateTime } from "./common";

export const AbuseFlag = z
  .object({
    id: z.string(),
    kind: z.enum(["sequential_enumeration", "repeated_query"]),
    client: z.string().openapi({ description: "`ip:<address>`, or `sub:<key or user id>` when no IP was known" }),
    endpoint: z.string(),
    detail: z.record(z.string(), z.unknown()),
    created_at: IsoDateTime,
  })
  .openapi("AbuseFlag");

export const AbuseFlagList = z
  .object({ flags: z.array(AbuseFlag), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("AbuseFlagList");
