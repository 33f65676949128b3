// CORS for the client-facing API (flag evaluation, its push stream, ingest
// and the report button) so that browser apps on any origin can call it.
// These endpoints authenticate with an API key in the Authorization header,
// never with cookies, so allowing every origin exposes nothing a caller
// does not already hold; credentials mode stays off.
import type { IncomingMessage, ServerResponse } from "node:http";
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

/**
 * For a cross-origin path: answers a preflight (returns true: done) or sets
 * the CORS headers on the response to come (returns false: carry on).
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (!isCorsPath(path)) return false;
  if (req.method === "OPTIONS") {
    res.writeHead(204, PREFLIGHT_HEADERS);
    res.end();
    return true;
  }
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
  return false;
}
