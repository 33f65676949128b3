// Serves OFREP (evaluation and the push stream) straight from node:http —
// used by server.ts in front of Next, and by tests and benchmarks that need
// the real HTTP behaviour without a Next build.
//
// Evaluation is the hottest path Rampart has, so this layer owns every header
// of its answers: the baseline security headers and CORS go into the one
// writeHead call instead of four setHeader calls before it (each validated
// and merged again), and a reused answer's headers are assembled once.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OFREP_PREFIX, routeOfrep, STREAM_PATH, type PlainRequest, type PlainResponse } from "@/lib/flags/delivery/ofrep";
import { handleStream } from "@/lib/flags/delivery/sse";
import { onNodeBody } from "@/lib/http/read-node-body";
import { CORS_HEADERS, handleCors } from "@/lib/http/cors";
import { baselineHeaders, requestIsTls, setBaselineHeaders } from "@/lib/http/security-headers";

/** Enough for the handler to see that a body is over its 64 KiB limit. */
const MAX_BODY = 64 * 1024 + 1;

/** What setBaselineHeaders and handleCors would have set on an OFREP answer, over plain http and over TLS. */
const BASELINE: Readonly<Record<string, string>> = { ...baselineHeaders(OFREP_PREFIX, false), ...CORS_HEADERS };
const BASELINE_TLS: Readonly<Record<string, string>> = { ...baselineHeaders(OFREP_PREFIX, true), ...CORS_HEADERS };

class NodePlainRequest implements PlainRequest {
  readonly method: string;
  readonly path: string;
  #query: URLSearchParams | undefined;
  constructor(
    private readonly req: IncomingMessage,
    private readonly url: string,
    readonly body: Buffer,
  ) {
    this.method = req.method ?? "GET";
    const q = url.indexOf("?");
    this.path = q < 0 ? url : url.slice(0, q);
  }
  /** Parsed only when asked for (the push stream's token): evaluation has no query. */
  get query(): URLSearchParams {
    const q = this.url.indexOf("?");
    return (this.#query ??= new URLSearchParams(q < 0 ? "" : this.url.slice(q + 1)));
  }
  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  }
}

// The origin is the same request after request: worked out once per distinct Host.
let lastOrigin: { host: string | undefined; origin: string } | null = null;

/** The origin clients reached us at, for the stream URL we hand them. */
function originOf(req: IncomingMessage): string {
  const plain = req.headers["x-forwarded-proto"] === undefined && req.headers["x-forwarded-host"] === undefined && !("encrypted" in req.socket && req.socket.encrypted);
  if (plain && lastOrigin !== null && lastOrigin.host === req.headers.host) return lastOrigin.origin;
  const origin = originFromHeaders(req);
  if (plain) lastOrigin = { host: req.headers.host, origin };
  return origin;
}

function originFromHeaders(req: IncomingMessage): string {
  const proto = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim() || ("encrypted" in req.socket && req.socket.encrypted ? "https" : "http");
  const host = req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost";
  return `${proto}://${String(host).split(",")[0]!.trim()}`;
}

// Wire headers of reused answers (PlainResponse.reused), for as long as the answer lives.
const wireHeaders = new WeakMap<PlainResponse, Record<string, string>>();
const wireHeadersTls = new WeakMap<PlainResponse, Record<string, string>>();

function headersOf(out: PlainResponse, body: string | Buffer, tls: boolean): Record<string, string> {
  const kept = out.reused ? (tls ? wireHeadersTls : wireHeaders) : null;
  let headers = kept?.get(out);
  if (headers === undefined) {
    headers = { ...(tls ? BASELINE_TLS : BASELINE), ...out.headers, "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : body.length) };
    kept?.set(out, headers);
  }
  return headers;
}

function send(res: ServerResponse, out: PlainResponse, tls: boolean): void {
  const body = out.bytes ?? out.body;
  res.writeHead(out.status, headersOf(out, body, tls));
  res.end(body);
}

/**
 * Handles the request if it is OFREP's; returns false (untouched) otherwise.
 * Sets the baseline security headers and CORS itself (appUrl: NEXTAUTH_URL,
 * which decides HSTS as in setBaselineHeaders).
 */
export function handleOfrepNode(req: IncomingMessage, res: ServerResponse, appUrl?: string): boolean {
  const url = req.url ?? "/";
  if (!url.startsWith(OFREP_PREFIX)) return false;
  if (req.method === "OPTIONS" || url === STREAM_PATH || url.startsWith(`${STREAM_PATH}?`)) {
    // Preflights and the push stream: rare, and through the shared helpers.
    const path = url.split("?", 1)[0]!;
    setBaselineHeaders(req, res, path, appUrl ?? "");
    if (handleCors(req, res, path)) return true; // every OFREP path answers preflights
    handleStream(req, res, new NodePlainRequest(req, url, Buffer.alloc(0))).catch(() => res.destroy());
    return true;
  }
  onNodeBody(req, MAX_BODY, (body) => {
    try {
      const tls = requestIsTls(req, appUrl);
      const out = routeOfrep(new NodePlainRequest(req, url, body), originOf(req))!;
      if (out instanceof Promise) out.then((o) => send(res, o, tls)).catch(() => res.destroy());
      else send(res, out, tls);
    } catch {
      res.destroy();
    }
  }, () => req.socket.destroy());
  return true;
}
