// Serves OFREP (evaluation and the push stream) straight from node:http —
// used by server.ts in front of Next, and by tests and benchmarks that need
// the real HTTP behaviour without a Next build.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OFREP_PREFIX, routeOfrep, STREAM_PATH, type PlainRequest } from "@/lib/flags/delivery/ofrep";
import { handleStream } from "@/lib/flags/delivery/sse";
import { readNodeBody } from "@/lib/http/read-node-body";

/** Enough for the handler to see that a body is over its 64 KiB limit. */
const MAX_BODY = 64 * 1024 + 1;

function plainRequest(req: IncomingMessage, url: string, body: Buffer): PlainRequest {
  const q = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    body,
  };
}

/** The origin clients reached us at, for the stream URL we hand them. */
function originOf(req: IncomingMessage): string {
  const proto = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim() || ("encrypted" in req.socket && req.socket.encrypted ? "https" : "http");
  const host = req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost";
  return `${proto}://${String(host).split(",")[0]!.trim()}`;
}

/** Handles the request if it is OFREP's; returns false (untouched) otherwise. CORS is the caller's (lib/http/cors.ts). */
export function handleOfrepNode(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (!url.startsWith(OFREP_PREFIX)) return false;
  if (url === STREAM_PATH || url.startsWith(`${STREAM_PATH}?`)) {
    handleStream(req, res, plainRequest(req, url, Buffer.alloc(0))).catch(() => res.destroy());
    return true;
  }
  readNodeBody(req, MAX_BODY)
    .then((body) => routeOfrep(plainRequest(req, url, body), originOf(req))!)
    .then((out) => {
      res.writeHead(out.status, { ...out.headers, "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(out.body) });
      res.end(out.body);
    })
    .catch(() => res.destroy());
  return true;
}
