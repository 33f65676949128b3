// Production HTTP server: one process serving the console through Next and
// the client-facing hot paths (ingest, …) through a lean layer in front of it.
// A Next route handler tops out near 2,000 req/s on 2 cores; plain node:http
// near 38,000 — the hot paths should not pay Next's routing for nothing.
// RAMPART_LEAN_HTTP=0 sends everything through Next (for comparison).
import "@/workers/load-env";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { loadConfigOrExit } from "@/lib/config";
import { leanRoutes } from "@/lib/http/public-api";
import { errorResponse } from "@/lib/http/responses";
import { handleOfrepNode } from "@/lib/http/ofrep-node";
import { streamHub } from "@/lib/flags/delivery/sse";
import { handleCors } from "@/lib/http/cors";
import { readNodeBody } from "@/lib/http/read-node-body";
import { bufferedResponseText, requestWithBufferedBody } from "@/lib/http/lean-bodies";
import { setBaselineHeaders } from "@/lib/http/security-headers";
import { databaseKnownDown, watchDatabase } from "@/lib/db-availability";
import { needsDatabase, sendDatabaseUnavailable } from "@/lib/http/database-gate";

const { NEXTAUTH_URL } = loadConfigOrExit();
const port = Number(process.env.PORT ?? 3000);
const lean = process.env.RAMPART_LEAN_HTTP !== "0";

const app = next({ dev: false, dir: process.cwd(), port });
const handle = app.getRequestHandler();

/** Largest body the lean layer buffers; handlers apply their own, smaller limits. */
const MAX_BODY = 1024 * 1024 + 1;


async function toRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody ? await readNodeBody(req, MAX_BODY) : undefined;
  return requestWithBufferedBody(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method: req.method ?? "GET", headers }, body);
}

async function send(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.end(bufferedResponseText(response) ?? Buffer.from(await response.arrayBuffer()));
}

await app.prepare();
const stopWatchingDatabase = watchDatabase();

const server = createServer((req, res) => {
  // Flag evaluation and its push stream never go through Next (OFREP has no Next route);
  // that layer sets its own security and CORS headers.
  if (handleOfrepNode(req, res, NEXTAUTH_URL)) return;
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  setBaselineHeaders(req, res, path, NEXTAUTH_URL);
  if (handleCors(req, res, path)) return;
  const route = lean ? leanRoutes[`${req.method} ${path}`] : undefined;
  if (!route) {
    // Next would render a console page whose data fails as a 500.
    if (databaseKnownDown() && needsDatabase(path)) sendDatabaseUnavailable(res, path, req.headers.accept);
    else void handle(req, res);
    return;
  }
  toRequest(req)
    .then((request) => route(request, undefined))
    .catch((err: unknown) => errorResponse(err))
    .then((response) => send(res, response))
    .catch(() => res.destroy());
}).listen(port, () => {
  console.log(`[web] listening on http://localhost:${port} (${lean ? "lean layer for the public API" : "Next only"})`);
});

function shutdown() {
  stopWatchingDatabase();
  // Finish in-flight requests, then exit; idle keep-alive sockets are closed at once.
  server.close(() => process.exit(0));
  streamHub().closeAll();
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
