// A real HTTP server on an ephemeral loopback port that speaks the protocol the
// SDK expects from Rampart: OFREP bulk evaluation with ETag/304, an SSE push
// stream with heartbeats and Last-Event-ID, the ingest and report endpoints —
// with knobs to fail, go silent or disappear on demand. Tests only.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export const API_KEY = "rmp_test_key";

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
};

export type FlagEval =
  | { key: string; value: unknown; reason?: string; variant?: string; metadata?: Record<string, unknown> }
  | { key: string; errorCode: string; errorDetails?: string };

export type ScriptedResponse = { status: number; headers?: Record<string, string>; body?: unknown };

type StreamClient = { res: ServerResponse; heartbeat: ReturnType<typeof setInterval> | null };

export class ProtocolServer {
  url = "";
  readonly requests: RecordedRequest[] = [];
  /** Each POST /api/v1/events body's events, in arrival order (including attempts answered with an error). */
  readonly batches: { events: Record<string, unknown>[]; status: number }[] = [];

  // ── Flags ──
  flags: FlagEval[] = [];
  /** Advertise the SSE stream in evaluation responses. */
  advertiseStream = true;
  /** Milliseconds between `: ping` comments on streams (0: none). */
  heartbeatMs = 25;
  /** Scripted answers for the next evaluation requests (then normal service). */
  readonly ofrepScript: ScriptedResponse[] = [];
  /** Scripted answers for the next stream connections. */
  readonly streamScript: ScriptedResponse[] = [];
  private version = 1;
  private eventSeq = 0;
  private readonly streams = new Set<StreamClient>();

  // ── Ingest ──
  /** Scripted answers for the next POST /api/v1/events (then normal service). */
  readonly eventsScript: ScriptedResponse[] = [];
  /** Per-event validation: return errors to reject the event. */
  rejectIf: (event: Record<string, unknown>) => { path: string; message: string }[] | null = () => null;
  readonly reports: Record<string, unknown>[] = [];
  private readonly seenIds = new Set<string>();

  private server: Server | null = null;

  get etag(): string {
    return `"v${this.version}"`;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Replaces the flags (a new ETag) and, unless told not to, tells the streams to re-fetch. */
  setFlags(flags: FlagEval[], push = true): void {
    this.flags = flags;
    this.version++;
    if (push) this.sendEvent({ type: "refetchEvaluation", etag: this.etag, lastModified: 1771622898 + this.version });
  }

  sendEvent(data: unknown, event = "message"): void {
    const id = `evt-${++this.eventSeq}`;
    for (const c of this.streams) c.res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Stops the heartbeats of the open streams (they stay open, silent). */
  silenceStreams(): void {
    for (const c of this.streams) {
      if (c.heartbeat) clearInterval(c.heartbeat);
      c.heartbeat = null;
    }
  }

  /** Ends every open stream from the server side. */
  dropStreams(): void {
    for (const c of [...this.streams]) {
      if (c.heartbeat) clearInterval(c.heartbeat);
      c.res.end();
      this.streams.delete(c);
    }
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops listening and cuts every connection: the server is gone. */
  async stop(): Promise<void> {
    for (const c of this.streams) if (c.heartbeat) clearInterval(c.heartbeat);
    this.streams.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const raw = await readBody(req);
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      at: Date.now(),
    });
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /sse") return this.stream(req, res, url);
    if (req.headers.authorization !== `Bearer ${API_KEY}`)
      return json(res, 401, { error: { code: "UNAUTHENTICATED", message: "Missing or unknown API key" } });
    if (route === "POST /ofrep/v1/evaluate/flags") return this.evaluate(req, res);
    if (route === "POST /api/v1/events") return this.ingest(res, body);
    if (route === "POST /api/v1/reports") return this.report(res, body);
    json(res, 404, { error: { code: "NOT_FOUND", message: "No such route" } });
  }

  private evaluate(req: IncomingMessage, res: ServerResponse): void {
    const scripted = this.ofrepScript.shift();
    if (scripted) return json(res, scripted.status, scripted.body ?? {}, scripted.headers);
    if (req.headers["if-none-match"] === this.etag) {
      res.writeHead(304, { ETag: this.etag }).end();
      return;
    }
    const body: Record<string, unknown> = { flags: this.flags };
    if (this.advertiseStream)
      body.eventStreams = [
        { type: "sse", url: `${this.url}/sse?token=t${this.version}` },
        { type: "websocket", url: "ws://unused" },
      ];
    json(res, 200, body, { ETag: this.etag });
  }

  private stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const scripted = this.streamScript.shift();
    if (scripted) return json(res, scripted.status, scripted.body ?? {}, scripted.headers);
    if (!url.searchParams.get("token")) return json(res, 401, { error: { code: "UNAUTHENTICATED", message: "token" } });
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    res.write("retry: 10\n\n");
    const client: StreamClient = { res, heartbeat: null };
    if (this.heartbeatMs > 0) client.heartbeat = setInterval(() => res.write(": ping\n\n"), this.heartbeatMs);
    this.streams.add(client);
    req.on("close", () => {
      if (client.heartbeat) clearInterval(client.heartbeat);
      this.streams.delete(client);
    });
  }

  private ingest(res: ServerResponse, body: unknown): void {
    const events = ((body as { events?: unknown })?.events ?? []) as Record<string, unknown>[];
    const scripted = this.eventsScript.shift();
    if (scripted) {
      this.batches.push({ events, status: scripted.status });
      return json(
        res,
        scripted.status,
        scripted.body ?? { error: { code: "SCRIPTED", message: `scripted ${scripted.status}` } },
        scripted.headers,
      );
    }
    this.batches.push({ events, status: 200 });
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    const results = events.map((event, index) => {
      const id = String(event.type === "interaction" ? event.requestId : event.eventId);
      const errors = this.rejectIf(event);
      if (errors) {
        counts.rejected++;
        return { index, type: event.type, id, status: "rejected", errors };
      }
      const status = this.seenIds.has(id) ? "duplicate" : "accepted";
      this.seenIds.add(id);
      counts[status]++;
      return { index, type: event.type, id, status };
    });
    json(res, 200, { ...counts, results });
  }

  private report(res: ServerResponse, body: unknown): void {
    const scripted = this.eventsScript.shift();
    if (scripted)
      return json(
        res,
        scripted.status,
        scripted.body ?? { error: { code: "SCRIPTED", message: "scripted" } },
        scripted.headers,
      );
    const report = body as Record<string, unknown>;
    this.reports.push(report);
    const id = String(report.eventId);
    const duplicate = this.seenIds.has(id);
    this.seenIds.add(id);
    json(res, duplicate ? 200 : 201, { index: 0, type: "report", id, status: duplicate ? "duplicate" : "accepted" });
  }
}

export function startProtocolServer(): Promise<ProtocolServer> {
  return new ProtocolServer().start();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function until(check: () => boolean, timeoutMs = 3_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
