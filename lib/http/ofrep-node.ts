// Serves OFREP (evaluation and the push stream) straight from node:http —
// used by server.ts in front of Next, and by tests and benchmarks that need
// the real HTTP behaviour without a Next build.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OFREP_PREFIX, routeOfrep, STREAM_PATH, type PlainRequest } from "@/lib/flags/delivery/ofrep";
import { handleStream } from "@/lib/flags/delivery/sse";
import { CORS_HEADERS, PREFLIGHT_HEADERS } from "@/lib/http/cors";

const MAX_BODY = 64 * 1024 + 1;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      if (size >= MAX_BODY) return; // keep draining, stop buffering: the handler sees it is too large
      size += c.length;
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

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

/** Handles the request if it is OFREP's; returns false (untouched) otherwise. */
export function handleOfrepNode(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (!url.startsWith(OFREP_PREFIX)) return false;
  if (req.method === "OPTIONS") {
    res.writeHead(204, PREFLIGHT_HEADERS);
    res.end();
    return true;
  }
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
  if (url === STREAM_PATH || url.startsWith(`${STREAM_PATH}?`)) {
    handleStream(req, res, plainRequest(req, url, Buffer.alloc(0))).catch(() => res.destroy());
    return true;
  }
  readBody(req)
    .then((body) => routeOfrep(plainRequest(req, url, body), originOf(req))!)
    .then((out) => {
      res.writeHead(out.status, { ...out.headers, "x-content-type-options": "nosniff", "content-length": Buffer.byteLength(out.body) });
      res.end(out.body);
    })
    .catch(() => res.destroy());
  return true;
}
