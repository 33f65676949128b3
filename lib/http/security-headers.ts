// Owns the security headers that depend on the request, which next.config's
// static headers() cannot express: the per-request Content-Security-Policy of
// console pages (proxy.ts), the locked-down policy of API answers and HSTS
// (both set by the node:http layer in server.ts, which every production
// response passes through, including those Next never sees).
// No server-only import: proxy.ts and server.ts both use it.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Two years would be the preload value; one year is the common floor and easy to back out of. */
export const HSTS = "max-age=31536000; includeSubDomains";

/** API answers are data, never documents: nothing may load from them, nobody may frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export interface PagePolicyOptions {
  /** `next dev` needs eval for React's debugging aids; a production build never does. */
  dev: boolean;
  /** Over TLS, stray http: subresources are upgraded rather than loaded in the clear. */
  tls: boolean;
}

/**
 * The policy of a console page. Scripts run only when they carry this
 * request's nonce (Next reads it from the request's CSP header and stamps its
 * own inline scripts) or were loaded by one that does ('strict-dynamic').
 */
export function pageContentSecurityPolicy(nonce: string, { dev, tls }: PagePolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React style props, Recharts and Next's CSS loading write inline styles;
    // styles cannot run code, so this is the accepted trade.
    "style-src 'self' 'unsafe-inline'",
    // https: for images in model output, which a reviewer loads one by one
    // on request (components/review/remote-image.tsx).
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(tls ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A fresh, unguessable nonce (128 bits, base64) for one response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Whether the client reached us over TLS: a TLS-terminating proxy in front
 * says so in X-Forwarded-Proto, and a console whose public URL is https is
 * only ever reached that way. A client faking the header over plain http
 * gains nothing: browsers ignore HSTS received over http.
 */
export function isTls(forwardedProto: string | null | undefined, appUrl: string | undefined): boolean {
  const proto = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return proto === "https" || (appUrl?.startsWith("https://") ?? false);
}

/** Paths whose answers are API data (JSON, event streams), not console pages. */
export function isApiPath(path: string): boolean {
  return path.startsWith("/api/") || path.startsWith("/ofrep/");
}

/**
 * Headers every response of the node:http layer starts with, set before any
 * handler runs (writeHead and Next's own setHeader calls add to them): the
 * lean paths and OFREP never pass through next.config's headers().
 */
export function setBaselineHeaders(req: IncomingMessage, res: ServerResponse, path: string, appUrl: string): void {
  for (const [name, value] of Object.entries(baselineHeaders(path, requestIsTls(req, appUrl)))) res.setHeader(name, value);
}

type Headers = Readonly<Record<string, string>>;
const PAGE_BASELINE: Headers = { "x-content-type-options": "nosniff" };
const API_BASELINE: Headers = { ...PAGE_BASELINE, "content-security-policy": API_CONTENT_SECURITY_POLICY };
const TLS: Headers = { "strict-transport-security": HSTS };
const BASELINES = {
  page: PAGE_BASELINE,
  pageTls: { ...PAGE_BASELINE, ...TLS },
  api: API_BASELINE,
  apiTls: { ...API_BASELINE, ...TLS },
} satisfies Record<string, Headers>;

/**
 * What setBaselineHeaders sets for a path, as one object that is never
 * modified — for a layer that writes all of an answer's headers in one
 * writeHead (the OFREP layer) instead of setHeader calls before it.
 */
export function baselineHeaders(path: string, tls: boolean): Headers {
  return isApiPath(path) ? (tls ? BASELINES.apiTls : BASELINES.api) : tls ? BASELINES.pageTls : BASELINES.page;
}

/** isTls for a node:http request. */
export function requestIsTls(req: IncomingMessage, appUrl: string | undefined): boolean {
  const proto = req.headers["x-forwarded-proto"];
  return isTls(Array.isArray(proto) ? proto[0] : proto, appUrl);
}
