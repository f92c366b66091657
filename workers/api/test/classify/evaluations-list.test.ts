import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { EvaluateAccepted, EvaluationList } from "@edge-ml/core/schemas";
import { call, type ErrorBody } from "../helpers";
import { classifierTenant, headlines, registerClassifier, uploadRows } from "./classify-helpers";

type List = z.infer<typeof EvaluationList>;

describe("GET /api/v1/model/evaluate (the console's latest confusion matrix)", () => {
  it("lists the tenant's evaluations newest first, each as GET /evaluate/{id} answers it, and pages", async () => {
    const t = await classifierTenant("eval-list");
    const rows = headlines(20, 5);
    await uploadRows(t, rows);
    await registerClassifier(t.tenantId, "cls-a", rows, true);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await call("/api/v1/model/evaluate", { method: "POST", token: t.adminKey, body: {} });
      ids.push(((await res.json()) as z.infer<typeof EvaluateAccepted>).evaluation_id);
    }

    const res = await call("/api/v1/model/evaluate", { token: t.adminKey });
    expect(res.status).toBe(200);
    const list = (await res.json()) as List;
    expect(list).toMatchObject({ total: 2, limit: 10, offset: 0 });
    expect(list.evaluations.map((e) => e.evaluation_id)).toEqual([ids[1], ids[0]]);
    const one = await (await call(`/api/v1/model/evaluate/${ids[1]}`, { token: t.adminKey })).json();
    expect(list.evaluations[0]).toEqual({ ...(one as object), correlation_id: list.evaluations[0]!.correlation_id });
    expect(list.evaluations[0]!.metrics!.confusion_matrix).toBe(`/api/v1/model/evaluate/${ids[1]}/confusion-matrix`);

    const page = (await (await call("/api/v1/model/evaluate?limit=1&offset=1", { token: t.adminKey })).json()) as List;
    expect(page.evaluations.map((e) => e.evaluation_id)).toEqual([ids[0]]);

    // Another tenant's list is empty; a bad limit is a 400 on the field.
    const other = await classifierTenant("eval-list-other");
    const theirs = (await (await call("/api/v1/model/evaluate", { token: other.adminKey })).json()) as List;
    expect(theirs).toMatchObject({ evaluations: [], total: 0 });
    const bad = await call("/api/v1/model/evaluate?limit=0", { token: t.adminKey });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.details.field).toBe("limit");
  });
});
