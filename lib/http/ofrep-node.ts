// Serves OFREP (evaluation and the push stream) straight from node:http —
// used by server.ts in front of Next, and by tests and benchmarks that need
// the real HTTP behaviour without a Next build.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OFREP_PREFIX, routeOfrep, STREAM_PATH, type PlainRequest, type PlainResponse } from "@/lib/flags/delivery/ofrep";
import { handleStream } from "@/lib/flags/delivery/sse";
import { onNodeBody } from "@/lib/http/read-node-body";

/** Enough for the handler to see that a body is over its 64 KiB limit. */
const MAX_BODY = 64 * 1024 + 1;

function plainRequest(req: IncomingMessage, url: string, body: Buffer): PlainRequest {
  const q = url.indexOf("?");
  let query: URLSearchParams | undefined;
  return {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    // Parsed only when asked for (the push stream's token): evaluation has no query.
    get query() {
      return (query ??= new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
    },
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    body,
  };
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

function send(res: ServerResponse, out: PlainResponse): void {
  const body = out.bytes ?? out.body;
  const headers = out.headers;
  headers["x-content-type-options"] = "nosniff";
  headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.length);
  res.writeHead(out.status, headers);
  res.end(body);
}

/** Handles the request if it is OFREP's; returns false (untouched) otherwise. CORS is the caller's (lib/http/cors.ts). */
export function handleOfrepNode(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (!url.startsWith(OFREP_PREFIX)) return false;
  if (url === STREAM_PATH || url.startsWith(`${STREAM_PATH}?`)) {
    handleStream(req, res, plainRequest(req, url, Buffer.alloc(0))).catch(() => res.destroy());
    return true;
  }
  onNodeBody(req, MAX_BODY, (body) => {
    try {
      const out = routeOfrep(plainRequest(req, url, body), originOf(req))!;
      if (out instanceof Promise) out.then((o) => send(res, o)).catch(() => res.destroy());
      else send(res, out);
    } catch {
      res.destroy();
    }
  }, () => req.socket.destroy());
  return true;
}
