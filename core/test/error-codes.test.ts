import { describe, expect, it } from "vitest";
import { codeFor, contractOf, ERROR_CODES } from "../errors/codes";

describe("error code mapping", () => {
  it("classifier routes speak classifier-api.md codes, the rest platform-api.md codes", () => {
    expect(contractOf("/api/v1/predict")).toBe("classifier");
    expect(contractOf("/api/v1/predict/batch")).toBe("classifier");
    expect(contractOf("/api/v1/feedback/stats")).toBe("classifier");
    expect(contractOf("/api/v1/model/versions")).toBe("classifier");
    expect(contractOf("/api/v1/recommendations")).toBe("platform");
    expect(contractOf("/api/v1/predictions")).toBe("platform");
    expect(contractOf("/search")).toBe("platform");

    expect(codeFor("unauthenticated", "platform")).toEqual({ status: 401, code: "AUTHENTICATION_FAILED" });
    expect(codeFor("unauthenticated", "classifier")).toEqual({ status: 401, code: "UNAUTHORIZED" });
    expect(codeFor("rate_limited", "platform")).toEqual({ status: 429, code: "RATE_LIMIT_EXCEEDED" });
    expect(codeFor("rate_limited", "classifier")).toEqual({ status: 429, code: "RATE_LIMITED" });
  });

  it("every code in both contracts' tables is reachable", () => {
    const all = new Set(Object.values(ERROR_CODES).flatMap((r) => [r.platform, r.classifier]));
    for (const code of [
      "VALIDATION_ERROR",
      "AUTHENTICATION_FAILED",
      "FORBIDDEN",
      "NOT_FOUND",
      "RATE_LIMIT_EXCEEDED",
      "INTERNAL_ERROR",
      "SERVICE_UNAVAILABLE",
      "UNAUTHORIZED",
      "RATE_LIMITED",
    ]) {
      expect(all.has(code), code).toBe(true);
    }
  });
});
