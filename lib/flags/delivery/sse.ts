// The push stream (OFREP event streams): GET /ofrep/v1/stream, server-sent
// events that tell a connected client its flags changed so it re-fetches the
// bulk evaluation. Notification only — no flag data travels on it.
//
//   retry: 1000
//   id: <revision>
//   event: message
//   data: {"type":"refetchEvaluation","etag":"<revision>","lastModified":<unix seconds>}
//
// Heartbeats (`: ping`) keep proxies from closing an idle stream and let a
// client notice a dead one. Resume: the event id is the environment's
// revision; a client reconnecting with a Last-Event-ID (or a token minted at
// a revision) that is no longer current is told to re-fetch at once, so a
// change made while it was away is never missed.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { errorHeaders } from "@/lib/http/responses";
import { snapshotStore, type StoreEvent } from "@/lib/flags/delivery/snapshot-store";
import { verifyStreamToken } from "@/lib/flags/delivery/stream-token";
import { authenticateFlagsRead, environmentFor, type PlainRequest } from "@/lib/flags/delivery/ofrep";

type Connection = { res: ServerResponse; environmentId: string; userRef: string | null };

const MAX_BUFFERED = 256 * 1024;

class StreamHub {
  private readonly byEnv = new Map<string, Set<Connection>>();
  private heartbeat: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  get size(): number {
    let n = 0;
    for (const s of this.byEnv.values()) n += s.size;
    return n;
  }

  add(conn: Connection): void {
    this.ensureStarted();
    let set = this.byEnv.get(conn.environmentId);
    if (!set) this.byEnv.set(conn.environmentId, (set = new Set()));
    set.add(conn);
  }

  remove(conn: Connection): void {
    const set = this.byEnv.get(conn.environmentId);
    set?.delete(conn);
    if (set?.size === 0) this.byEnv.delete(conn.environmentId);
  }

  /** Ends every stream (shutdown); clients reconnect to another process. */
  closeAll(): void {
    for (const set of this.byEnv.values()) for (const c of set) c.res.end();
    this.byEnv.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private ensureStarted(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = snapshotStore().onEvent((e) => this.onStoreEvent(e));
    const every = heartbeatMs();
    this.heartbeat = setInterval(() => {
      for (const set of this.byEnv.values()) for (const c of set) write(c, ": ping\n\n");
    }, every);
    this.heartbeat.unref();
  }

  private onStoreEvent(e: StoreEvent): void {
    const set = this.byEnv.get(e.environmentId);
    if (!set) return;
    const frame = refetchFrame(e.revision, e.changedAt);
    for (const c of set) if (e.kind === "revision" || c.userRef === e.userRef) write(c, frame);
  }
}

function heartbeatMs(): number {
  const n = Number(process.env.RAMPART_STREAM_HEARTBEAT_MS);
  return Number.isFinite(n) && n >= 50 ? n : 15_000;
}

function refetchFrame(revision: string, changedAt: number): string {
  return `id: ${revision}\nevent: message\ndata: ${JSON.stringify({ type: "refetchEvaluation", etag: revision, lastModified: changedAt })}\n\n`;
}

function write(c: Connection, chunk: string): void {
  // A client that stops reading is dropped rather than buffered without bound; it will reconnect.
  if (c.res.writableLength > MAX_BUFFERED) {
    c.res.destroy();
    return;
  }
  c.res.write(chunk);
}

const globalForHub = globalThis as unknown as { rampartStreamHub?: StreamHub };
export function streamHub(): StreamHub {
  globalForHub.rampartStreamHub ??= new StreamHub();
  return globalForHub.rampartStreamHub;
}

function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ errorDetails: message }));
}

/** GET /ofrep/v1/stream?token=… (or with Authorization: Bearer <key>). */
export async function handleStream(req: IncomingMessage, res: ServerResponse, plain: PlainRequest): Promise<void> {
  if (req.method !== "GET") return fail(res, 405, "Use GET", { allow: "GET" });
  let environmentId: string;
  let userRef: string | null = null;
  let seenRevision: string | null = null;
  try {
    const token = plain.query.get("token");
    if (token) {
      const claims = verifyStreamToken(token);
      if (!claims) return fail(res, 401, "The stream token is invalid or expired: fetch the bulk evaluation again for a new one");
      const key = await db().apiKey.findUnique({ where: { id: claims.k }, select: { revokedAt: true, projectId: true, scopes: true } });
      if (!key || key.revokedAt || key.projectId !== claims.p || !key.scopes.includes("FLAGS_READ")) {
        return fail(res, 401, "The API key behind this stream is no longer valid");
      }
      environmentId = claims.e;
      userRef = claims.u ?? null;
      seenRevision = claims.r;
    } else {
      const actor = await authenticateFlagsRead(plain);
      environmentId = (await environmentFor(actor, plain.header("x-rampart-environment"))).environmentId;
    }
  } catch (err) {
    if (isAppError(err)) return fail(res, err.status, err.message, errorHeaders(err));
    console.error("[ofrep] stream error", err);
    return fail(res, 500, "Something went wrong on our side");
  }
  const env = await snapshotStore()
    .get(environmentId)
    .catch(() => null);
  if (!env) return fail(res, 503, "Flag configuration is unavailable; retry shortly", { "retry-after": "1" });

  req.socket.setNoDelay(true);
  req.socket.setKeepAlive(true, 30_000);
  req.socket.setTimeout(0);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const conn: Connection = { res, environmentId, userRef };
  const lastEventId = plain.header("last-event-id") || seenRevision;
  let first = "retry: 1000\n\n";
  if (lastEventId && lastEventId !== env.revision) first += refetchFrame(env.revision, env.changedAt);
  res.write(first);
  const hub = streamHub();
  hub.add(conn);
  const done = () => hub.remove(conn);
  res.on("close", done);
  res.on("error", done);
}
