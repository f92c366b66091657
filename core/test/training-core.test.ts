import { describe, expect, it } from "vitest";
import { filesInRange, partitionsOf, rowsInRange } from "../training/catalogue";
import { artifactPrefix, versionFor } from "../training/contract";
import { isTrainingJobMessage, isWatchdogMessage, isWebhookQueueMessage } from "../training/messages";
import { ACTIVE_STATUSES, isFinished, TRANSITIONS } from "../training/states";

const part = (date: string, name: string, rows = 10) => ({
  key: `tenants/t1/training_data/${date}/${name}.parquet`,
  date,
  rows,
  bytes: rows * 4,
});

describe("the training catalogue reader", () => {
  const partitions = partitionsOf("t1", [
    part("2026-11-02", "part-b", 5),
    part("2026-11-01", "part-z", 7),
    part("2026-11-02", "part-a", 3),
    part("2026-12-01", "part-c", 100),
  ]);

  it("lists a range's files by date then key, the range's ends included, date-times by their day", () => {
    const files = filesInRange(partitions, { start_date: "2026-11-01T12:00:00.000Z", end_date: "2026-11-30" });
    expect(files.map((f) => `${f.date}/${f.name}`)).toEqual([
      "2026-11-01/part-z.parquet",
      "2026-11-02/part-a.parquet",
      "2026-11-02/part-b.parquet",
    ]);
    expect(files[0]).toEqual({
      key: "tenants/t1/training_data/2026-11-01/part-z.parquet",
      date: "2026-11-01",
      name: "part-z.parquet",
      row_count: 7,
      size_bytes: 28,
    });
  });

  it("counts rows from catalog.json partitions, which may carry no files", () => {
    expect(rowsInRange(partitions, { start_date: "2026-11-02", end_date: "2026-12-01" })).toBe(108);
    expect(
      rowsInRange([{ date: "2026-11-05", row_count: 4 }], { start_date: "2026-11-05", end_date: "2026-11-05" }),
    ).toBe(4);
    expect(
      filesInRange([{ date: "2026-11-05", row_count: 4 }], { start_date: "2026-11-01", end_date: "2026-11-30" }),
    ).toEqual([]);
  });
});

describe("job states, versions and messages", () => {
  it("finished states are final; active ones are those a job can leave", () => {
    expect(ACTIVE_STATUSES.every((s) => !isFinished(s))).toBe(true);
    expect((["completed", "failed", "cancelled"] as const).every(isFinished)).toBe(true);
    expect(TRANSITIONS.queued).toContain("running");
    expect(TRANSITIONS.running).not.toContain("queued");
  });

  it("a job's version and artifact prefix follow from its type, creation time and id", () => {
    const job = {
      id: "ABCD1234-0000-4000-8000-000000000000",
      tenantId: "t1",
      modelType: "item_to_item" as const,
      createdAt: "2026-11-30T10:20:30.000Z",
    };
    expect(versionFor(job)).toBe("i2i-20261130-102030-abcd");
    expect(artifactPrefix(job)).toBe("tenants/t1/models/i2i-20261130-102030-abcd/");
  });

  it("tells the queues' messages apart", () => {
    expect(isWatchdogMessage({ kind: "watchdog", job_id: "j", tenant_id: "t" })).toBe(true);
    expect(isWatchdogMessage({ job_id: "j", tenant_id: "t" })).toBe(false);
    expect(isTrainingJobMessage({ job_id: "j", tenant_id: "t" })).toBe(true);
    expect(isTrainingJobMessage({ job_id: "j" })).toBe(false);
    expect(isWebhookQueueMessage({ delivery_id: "d" })).toBe(true);
    expect(isWebhookQueueMessage(null)).toBe(false);
  });
});
