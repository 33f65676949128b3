// CORS for the client-facing API (flag evaluation, its push stream, ingest
// and the report button) so that browser apps on any origin can call it.
// These endpoints authenticate with an API key in the Authorization header,
// never with cookies, so allowing every origin exposes nothing a caller
// does not already hold; credentials mode stays off.
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "ETag, Retry-After",
};

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  ...CORS_HEADERS,
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, If-None-Match, Last-Event-ID, Cache-Control, X-Rampart-Environment",
  "access-control-max-age": "600",
};

/** Paths that answer cross-origin requests. */
export function isCorsPath(path: string): boolean {
  return path.startsWith("/ofrep/v1/") || path === "/api/v1/events" || path === "/api/v1/reports";
}
