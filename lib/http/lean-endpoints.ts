// The endpoints server.ts answers before Next sees the request: the lean
// copies of the public API routes and OFREP, which has no Next route at all.
// Plain data without imports, so that the authorization matrix
// (e2e/authz) can read what exists outside app/; the code serving these
// paths takes them from here, so the list cannot drift from it.
export const leanEndpoints = ["POST /api/v1/events", "POST /api/v1/reports", "GET /api/v1/whoami"] as const;
export type LeanEndpoint = (typeof leanEndpoints)[number];

export const OFREP_PREFIX = "/ofrep/v1/";
export const ofrepEndpoints = {
  evaluateAll: "POST /ofrep/v1/evaluate/flags",
  evaluateOne: "POST /ofrep/v1/evaluate/flags/{key}",
  configuration: "GET /ofrep/v1/configuration",
  stream: "GET /ofrep/v1/stream",
} as const;

/** "POST /ofrep/v1/evaluate/flags" → "/ofrep/v1/evaluate/flags". */
export function endpointPath(endpoint: string): string {
  return endpoint.slice(endpoint.indexOf(" ") + 1);
}

/** "POST /ofrep/v1/evaluate/flags" → "POST". */
export function endpointMethod(endpoint: string): string {
  return endpoint.slice(0, endpoint.indexOf(" "));
}
