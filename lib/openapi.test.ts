import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

describe("OpenAPI document", () => {
  const doc = openApiDocument("http://localhost:3000");

  it("describes every public endpoint", () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/health",
      "/api/v1/events",
      "/api/v1/gate/runs",
      "/api/v1/gate/runs/{runId}",
      "/api/v1/gate/runs/{runId}/complete",
      "/api/v1/gate/suites/{name}",
      "/api/v1/reports",
      "/api/v1/whoami",
      "/ofrep/v1/configuration",
      "/ofrep/v1/evaluate/flags",
      "/ofrep/v1/evaluate/flags/{key}",
      "/ofrep/v1/stream",
    ]);
  });

  it("carries the event schemas generated from the validators", () => {
    const interaction = doc.components.schemas.InteractionEvent as { required: string[]; properties: Record<string, unknown> };
    expect(interaction.required).toEqual(expect.arrayContaining(["type", "requestId", "occurredAt", "model", "prompt", "response"]));
    expect(Object.keys(interaction.properties)).toEqual(expect.arrayContaining(["flags", "cohort", "provenance", "cost"]));
  });

  it("resolves every $ref it uses", () => {
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.slice(22, -1));
  });
});
