// Refuses cross-site requests that would change state with the session
// cookie (CSRF). SameSite=Lax already keeps the cookie off cross-site POSTs in
// current browsers; this is the second lock, and the one that also holds for
// a sibling origin on the same site. Browsers always send Origin on a POST and
// Sec-Fetch-Site on every request; a client without either is not a browser
// acting for a signed-in user, so it is let through.
// No server-only import: proxy.ts uses it as well as route handlers.
import { jsonError } from "@/lib/http/responses";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why the request is refused, or null when it may proceed. */
export function crossOriginReason(method: string, headers: Headers, appUrl: string | undefined): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (headers.get("sec-fetch-site") === "cross-site") return "Cross-site request refused";
  const origin = headers.get("origin");
  if (origin === null) return null;
  if (origin === "null") return "Request from an opaque origin refused";
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return "Malformed Origin header";
  }
  // The public URL, and the host this request was addressed to (what Next's
  // own server-action check compares): a page can only be served from one.
  if (appUrl && originUrl.origin === new URL(appUrl).origin) return null;
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0]?.trim();
  if (host && originUrl.host === host) return null;
  return "Cross-origin request refused";
}

/** A 403 answer for a cross-origin state change, or null to carry on. */
export function refuseCrossOrigin(req: Request, appUrl: string | undefined): Response | null {
  const reason = crossOriginReason(req.method, req.headers, appUrl);
  if (reason === null) return null;
  return jsonError(403, "FORBIDDEN", reason);
}
